import Configuration
import Foundation
import QSLConfig
import QSLConfigCore

/// A resolved qsl-config configuration as an apple/swift-configuration `ConfigProvider`, so a
/// Swift service reads it through `ConfigReader`.
///
/// Keys map component by component: the reader's `database.password` is qsl-config's
/// `Database:Password`, compared ignoring case as ASP.NET does. Values convert on demand:
/// integers, doubles and booleans parse from their text, bytes decode from base64, and arrays
/// come from ASP.NET's indexed children (`Hosts:0`, `Hosts:1`, ...). Every value that came from a
/// secret store, or whose key names a credential, is marked secret, so swift-configuration's
/// access logs redact it.
///
/// ```swift
/// let refreshing = try await RefreshingConfiguration(options: options)
/// let reader = ConfigReader(provider: QSLConfigProvider(refreshing: refreshing))
/// let port = reader.int(forKey: "kestrel.port", default: 8080)
/// ```
@available(macOS 15.0, *)
public struct QSLConfigProvider: ConfigProvider, CustomStringConvertible {
    enum Source: Sendable {
        case fixed(ResolvedConfiguration)
        case refreshing(RefreshingConfiguration)
    }

    let source: Source

    /// A provider over one resolved configuration that never changes.
    public init(_ configuration: ResolvedConfiguration) {
        self.source = .fixed(configuration)
    }

    /// A provider that follows a refreshing configuration: watches see each reload.
    public init(refreshing: RefreshingConfiguration) {
        self.source = .refreshing(refreshing)
    }

    public var providerName: String { "QSLConfigProvider" }

    public var description: String { "QSLConfigProvider[\(current.values.count) values]" }

    var current: ResolvedConfiguration {
        switch source {
        case .fixed(let configuration): configuration
        case .refreshing(let refreshing): refreshing.current
        }
    }

    public func value(forKey key: AbsoluteConfigKey, type: ConfigType) throws -> LookupResult {
        try Snapshot(configuration: current).value(forKey: key, type: type)
    }

    /// Reloads first, at most once per ``RefreshPolicy/minimumForcedInterval`` (joining a reload
    /// already running), so fetching ten keys costs one reload, not ten. A reload that fails is
    /// logged and the last good configuration answers, as it does for every other read. The
    /// interval is the one ``RefreshingConfiguration/refreshAfterAuthenticationFailure()`` keeps:
    /// a reload a fetch started counts for it too.
    public func fetchValue(forKey key: AbsoluteConfigKey, type: ConfigType) async throws -> LookupResult {
        if case .refreshing(let refreshing) = source {
            _ = try? await refreshing.refreshAfterAuthenticationFailure()
        }
        return try value(forKey: key, type: type)
    }

    nonisolated(nonsending) public func watchValue<Return: ~Copyable>(
        forKey key: AbsoluteConfigKey,
        type: ConfigType,
        updatesHandler: nonisolated(nonsending) (_ updates: ConfigUpdatesAsyncSequence<Result<LookupResult, any Error>, Never>) async throws -> Return
    ) async throws -> Return {
        let configurations = updates()
        let results = configurations.map { configuration -> Result<LookupResult, any Error> in
            Result { try Snapshot(configuration: configuration).value(forKey: key, type: type) }
        }
        return try await updatesHandler(ConfigUpdatesAsyncSequence(results))
    }

    public func snapshot() -> any ConfigSnapshot {
        Snapshot(configuration: current)
    }

    nonisolated(nonsending) public func watchSnapshot<Return: ~Copyable>(
        updatesHandler: nonisolated(nonsending) (_ updates: ConfigUpdatesAsyncSequence<any ConfigSnapshot, Never>) async throws -> Return
    ) async throws -> Return {
        let snapshots = updates().map { configuration -> any ConfigSnapshot in Snapshot(configuration: configuration) }
        return try await updatesHandler(ConfigUpdatesAsyncSequence(snapshots))
    }

    func updates() -> AsyncStream<ResolvedConfiguration> {
        switch source {
        case .fixed(let configuration):
            let (stream, continuation) = AsyncStream<ResolvedConfiguration>.makeStream(bufferingPolicy: .bufferingNewest(1))
            continuation.yield(configuration)
            return stream
        case .refreshing(let refreshing):
            return refreshing.updates()
        }
    }

    /// One resolved configuration, read with swift-configuration's types.
    struct Snapshot: ConfigSnapshot {
        let configuration: ResolvedConfiguration

        var providerName: String { "QSLConfigProvider" }

        func value(forKey key: AbsoluteConfigKey, type: ConfigType) throws -> LookupResult {
            let path = QSLConfigCore.ConfigKey(key.components.joined(separator: ":"))
            let encoded = path.spelling
            guard let content = try content(at: path, type: type) else {
                return LookupResult(encodedKey: encoded, value: nil)
            }
            return LookupResult(encodedKey: encoded, value: ConfigValue(content.content, isSecret: content.isSecret))
        }

        func content(at path: QSLConfigCore.ConfigKey, type: ConfigType) throws -> (content: ConfigContent, isSecret: Bool)? {
            switch type {
            case .string, .int, .double, .bool, .bytes:
                guard let value = configuration[path], let text = value.unsafeRevealedValue else { return nil }
                return (try Self.convert(text, of: value, to: type, key: path), value.needsRedaction)
            case .stringArray, .intArray, .doubleArray, .boolArray, .byteChunkArray:
                let elementType: ConfigType =
                    switch type {
                    case .intArray: .int
                    case .doubleArray: .double
                    case .boolArray: .bool
                    case .byteChunkArray: .bytes
                    default: .string
                    }
                var elements: [ConfigContent] = []
                var isSecret = false
                var index = 0
                while let value = configuration[QSLConfigCore.ConfigKey(path.spelling + ":" + String(index))], let text = value.unsafeRevealedValue {
                    let element = QSLConfigCore.ConfigKey(path.spelling + ":" + String(index))
                    elements.append(try Self.convert(text, of: value, to: elementType, key: element))
                    isSecret = isSecret || value.needsRedaction
                    index += 1
                }
                guard !elements.isEmpty else { return nil }
                return (Self.array(elements, of: type), isSecret)
            }
        }

        /// `text`, the revealed value of `value`, as `type`. A failure shows the value as
        /// ``ResolvedValue/displayValue`` does: secrets and embedded passwords redacted.
        static func convert(_ text: String, of value: ResolvedValue, to type: ConfigType, key: QSLConfigCore.ConfigKey) throws -> ConfigContent {
            func failure() -> QSLConfigProviderError {
                QSLConfigProviderError(key: key.spelling, type: type.rawValue, shown: value.displayValue ?? "null")
            }
            switch type {
            case .int:
                guard let value = ConfigurationScalar.int(text) else { throw failure() }
                return .int(value)
            case .double:
                guard let value = ConfigurationScalar.double(text) else { throw failure() }
                return .double(value)
            case .bool:
                guard let value = ConfigurationScalar.bool(text) else { throw failure() }
                return .bool(value)
            case .bytes:
                guard let data = Data(base64Encoded: text) else { throw failure() }
                return .bytes(Array(data))
            default:
                return .string(text)
            }
        }

        static func array(_ elements: [ConfigContent], of type: ConfigType) -> ConfigContent {
            switch type {
            case .intArray: .intArray(elements.compactMap { if case .int(let v) = $0 { v } else { nil } })
            case .doubleArray: .doubleArray(elements.compactMap { if case .double(let v) = $0 { v } else { nil } })
            case .boolArray: .boolArray(elements.compactMap { if case .bool(let v) = $0 { v } else { nil } })
            case .byteChunkArray: .byteChunkArray(elements.compactMap { if case .bytes(let v) = $0 { v } else { nil } })
            default: .stringArray(elements.compactMap { if case .string(let v) = $0 { v } else { nil } })
            }
        }
    }
}

/// A value that cannot be read as the type asked for; a secret value is never shown.
public struct QSLConfigProviderError: Error, Sendable, CustomStringConvertible {
    public var key: String
    public var type: String
    var shown: String

    public var description: String { "configuration value '\(key)' cannot be read as \(type): '\(shown)'" }
}
