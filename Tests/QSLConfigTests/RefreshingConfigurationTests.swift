import Foundation
import QSLConfig
import QSLConfigCore
import QSLConfigTesting
import Synchronization
import Testing

@Suite("service library: load and refresh")
struct RefreshingConfigurationTests {
    struct Fixture {
        let directory: URL
        let store: LocalSecretStore
        var options: ConfigurationOptions {
            ConfigurationOptions(configDirectory: directory.path, environmentVariables: ["PORT": "9090"], environmentIsLayer: false, store: store)
        }
    }

    func fixture() async throws -> Fixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-refresh-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(
            """
            {"ConnectionStrings": {"db": "Host=db;Password=${aws:secrets:svc/db:password}"},
             "Kestrel": {"Port": "${PORT:8080}"},
             "Flags": {"Enabled": true},
             "Settings": {"Url": "${aws:parameter:/svc/config/url}"}}
            """.utf8
        ).write(to: directory.appendingPathComponent("appsettings.json"))
        let store = LocalSecretStore(path: directory.appendingPathComponent(".qsl/store.json").path)
        _ = try await store.createSecret(CreateSecretRequest(name: "svc/db", value: .string(SecretValue(#"{"password":"v1"}"#)), clientRequestToken: UUID().uuidString))
        try await store.putParameter("/svc/config/url", value: "https://svc.example", secure: false)
        return Fixture(directory: directory, store: store)
    }

    @Test("one call loads, resolves and types the configuration; its description redacts secrets")
    func load() async throws {
        let f = try await fixture()
        let configuration = try await ConfigurationLoader().load(f.options)
        #expect(configuration.string("connectionstrings:db") == "Host=db;Password=v1")
        #expect(try configuration.int("Kestrel:Port") == 9090)
        #expect(try configuration.bool("Flags:Enabled") == true)
        #expect(configuration.string("Settings:Url") == "https://svc.example")
        #expect(configuration["ConnectionStrings:db"]?.sensitivity == .fromSecret)
        #expect(configuration["Settings:Url"]?.isSecret == false)
        #expect(!configuration.description.contains("v1"))
        #expect(configuration.description.contains("ConnectionStrings:db = <redacted>"))
        #expect(configuration.childKeys(of: "ConnectionStrings") == ["db"])
        #expect(throws: ConfigurationValueError.self) { try configuration.int("Settings:Url") }
        do {
            _ = try configuration.int("ConnectionStrings:db")
            Issue.record("a connection string is not an integer")
        } catch {
            #expect(!error.description.contains("v1"), "a type error never shows a secret value")
        }
    }

    @Test("typed accessors read scalars as .NET's binder does: white space around them trimmed, booleans in any case")
    func typedAccessorsTrim() throws {
        let origin = ValueOrigin(.other("test"))
        let configuration = ResolvedConfiguration(values: [
            ("Flag", " true"), ("Off", "FALSE\n"), ("Port", "\t8080 "), ("Ratio", " 1.5\u{3000}"), ("Bad", "tru e"),
        ].map { ResolvedValue(key: ConfigKey($0.0), value: $0.1, sensitivity: .plain, origin: origin) })
        #expect(try configuration.bool("Flag") == true)
        #expect(try configuration.bool("Off") == false)
        #expect(try configuration.int("Port") == 8080)
        #expect(try configuration.double("Ratio") == 1.5)
        #expect(throws: ConfigurationValueError.self) { try configuration.bool("Bad") }
        #expect(ConfigurationScalar.bool(" True ") == true && ConfigurationScalar.int(" 7") == 7 && ConfigurationScalar.double("x") == nil)
    }

    /// What an intercepted store call saw.
    final class CallLog: Sendable {
        let hang = Atomic<Bool>(false)
        let started = Atomic<Int>(0)
        let sawCancellation = Atomic<Bool>(false)
    }

    @Test("run() cancelled during a reload cancels the reload's store calls and ends; the last good configuration stays")
    func runCancelledMidReload() async throws {
        let f = try await fixture()
        let log = CallLog()
        let store = InterceptingSecretStore(f.store) { (base, selectors) async throws(StoreError) -> SecretFetchResult in
            if log.hang.load(ordering: .sequentiallyConsistent) {
                log.started.add(1, ordering: .sequentiallyConsistent)
                do { try await Task.sleep(for: .seconds(30)) } catch { log.sawCancellation.store(true, ordering: .sequentiallyConsistent) }
            }
            return try await base.getSecrets(selectors)
        }
        var options = f.options
        options.store = store
        let refreshing = try await RefreshingConfiguration(options: options, policy: RefreshPolicy(interval: .milliseconds(10)))
        log.hang.store(true, ordering: .sequentiallyConsistent)
        let runner = Task { try await refreshing.run() }
        while log.started.load(ordering: .sequentiallyConsistent) == 0 { try await Task.sleep(for: .milliseconds(5)) }
        runner.cancel()
        let result = await runner.result
        let sawCancellation = log.sawCancellation.load(ordering: .sequentiallyConsistent)
        #expect(sawCancellation, "the store call saw the cancellation")
        if case .success = result { Issue.record("run() ends by throwing CancellationError") }
        #expect(refreshing.current.string("ConnectionStrings:db") == "Host=db;Password=v1")
    }

    @Test("an updates() stream ends when its configuration is released")
    func updatesEndWithTheConfiguration() async throws {
        let f = try await fixture()
        var refreshing: RefreshingConfiguration? = try await RefreshingConfiguration(options: f.options)
        let stream = try #require(refreshing).updates()
        let watcher = Task { () -> Int in
            var received = 0
            for await _ in stream { received += 1 }
            return received
        }
        refreshing = nil
        // A guard against hanging, not a measurement: the stream either ends or it does not.
        let received = await withTaskGroup(of: Int?.self) { group in
            group.addTask { await watcher.value }
            group.addTask {
                try? await Task.sleep(for: .seconds(30))
                return nil
            }
            let first = await group.next()!
            group.cancelAll()
            watcher.cancel()
            return first
        }
        #expect(received == 1, "the watcher got the first configuration, then its stream ended")
    }

    @Test("a forced refresh after an authentication failure picks up a rotated secret; AWSPREVIOUS stays readable")
    func forcedRefreshAndPrevious() async throws {
        let f = try await fixture()
        let refreshing = try await RefreshingConfiguration(options: f.options, policy: RefreshPolicy(interval: .seconds(3600), minimumForcedInterval: .zero))
        #expect(refreshing.current.string("ConnectionStrings:db") == "Host=db;Password=v1")
        _ = try await f.store.putSecretValue("svc/db", value: .string(SecretValue(#"{"password":"v2"}"#)), stages: nil, clientRequestToken: UUID().uuidString)
        #expect(refreshing.current.string("ConnectionStrings:db") == "Host=db;Password=v1", "no refresh happened yet")
        #expect(try await refreshing.refreshAfterAuthenticationFailure())
        #expect(refreshing.current.string("ConnectionStrings:db") == "Host=db;Password=v2")
        let previous = try await refreshing.previous()
        #expect(previous.string("ConnectionStrings:db") == "Host=db;Password=v1")
    }

    @Test("previous() reads a never-rotated secret at AWSCURRENT, a pinned AWSPREVIOUS still fails, and 100 callers share one load")
    func previousFallsBackAndIsShared() async throws {
        let f = try await fixture()
        // A second secret, never rotated: it has no AWSPREVIOUS.
        _ = try await f.store.createSecret(CreateSecretRequest(name: "svc/api", value: .string(SecretValue("api-v1")), clientRequestToken: UUID().uuidString))
        try Data(
            #"{"ConnectionStrings": {"db": "Host=db;Password=${aws:secrets:svc/db:password}"}, "Api": {"Key": "${aws:secrets:svc/api}"}}"#.utf8
        ).write(to: f.directory.appendingPathComponent("appsettings.json"))
        let reads = Mutex(0)
        let counted = InterceptingSecretStore(f.store) { (base, selectors) async throws(StoreError) -> SecretFetchResult in
            reads.withLock { $0 += 1 }
            return try await base.getSecrets(selectors)
        }
        var options = f.options
        options.store = counted
        let refreshing = try await RefreshingConfiguration(options: options, policy: RefreshPolicy(interval: .seconds(3600), minimumForcedInterval: .zero))
        _ = try await f.store.putSecretValue("svc/db", value: .string(SecretValue(#"{"password":"v2"}"#)), stages: nil, clientRequestToken: UUID().uuidString)
        _ = try await refreshing.refresh()
        reads.withLock { $0 = 0 }

        let previous = try await withThrowingTaskGroup(of: ResolvedConfiguration.self) { group in
            for _ in 0..<100 { group.addTask { try await refreshing.previous() } }
            var last: ResolvedConfiguration?
            for try await result in group { last = result }
            return last!
        }
        #expect(previous.string("ConnectionStrings:db") == "Host=db;Password=v1", "the rotated secret at AWSPREVIOUS")
        #expect(previous.string("Api:Key") == "api-v1", "the never-rotated one at AWSCURRENT")
        #expect(reads.withLock { $0 } <= 2, "one load for 100 callers (its AWSPREVIOUS batch and the AWSCURRENT fallback): \(reads.withLock { $0 })")

        // A reference that pins AWSPREVIOUS itself gets no fallback, even beside one that
        // reaches the stage by default and does.
        var atPrevious = f.options
        atPrevious.defaultVersionStage = "AWSPREVIOUS"
        try Data(#"{"Api": {"Key": "${aws:secrets:svc/api}"}}"#.utf8).write(to: f.directory.appendingPathComponent("appsettings.json"))
        #expect(try await ConfigurationLoader().load(atPrevious).string("Api:Key") == "api-v1")
        try Data(#"{"Api": {"Key": "${aws:secrets:svc/api}", "Pinned": "${aws:secrets:svc/api::AWSPREVIOUS}"}}"#.utf8).write(to: f.directory.appendingPathComponent("appsettings.json"))
        do {
            _ = try await ConfigurationLoader().load(atPrevious)
            Issue.record("the pinned AWSPREVIOUS of a never-rotated secret resolved")
        } catch {
            #expect(error.diagnostics.count == 1, "\(error.diagnostics.map(\.description))")
            #expect(error.diagnostics.first?.keyPath == "Api:Pinned")
        }
    }

    @Test("forced refreshes are rate limited")
    func rateLimited() async throws {
        let f = try await fixture()
        let refreshing = try await RefreshingConfiguration(options: f.options, policy: RefreshPolicy(interval: .seconds(3600), minimumForcedInterval: .seconds(3600)))
        #expect(try await refreshing.refreshAfterAuthenticationFailure() == false)
        #expect(refreshing.refreshCount == 0)
    }

    @Test("periodic refresh runs until cancelled and a failed refresh keeps the last good configuration")
    func periodic() async throws {
        let f = try await fixture()
        let refreshing = try await RefreshingConfiguration(options: f.options, policy: RefreshPolicy(interval: .milliseconds(20)))
        let task = Task { try await refreshing.run() }
        var updates = refreshing.updates().makeAsyncIterator()
        _ = await updates.next()  // the current configuration
        _ = await updates.next()  // the first periodic reload
        #expect(refreshing.refreshCount >= 1)
        // Break the file: refreshes now fail, the last good configuration stays.
        try Data("{ broken".utf8).write(to: f.directory.appendingPathComponent("appsettings.json"))
        await #expect(throws: ResolutionError.self) { try await refreshing.refresh() }
        #expect(refreshing.current.string("Settings:Url") == "https://svc.example")
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }

    @Test("the Parameter Store prefix is a layer above the files and below the environment")
    func parameterStorePrefix() async throws {
        let f = try await fixture()
        try Data(#"{"AWS": {"ParameterStorePrefix": "/svc/config"}, "Settings": {"Mode": "file", "Other": "file"}, "Url": "x"}"#.utf8)
            .write(to: f.directory.appendingPathComponent("appsettings.json"))
        try await f.store.putParameter("/svc/config/Settings/Mode", value: "parameter", secure: false)
        try await f.store.putParameter("/svc/config/Settings/Other", value: "parameter", secure: false)
        try await f.store.putParameter("/svc/config/Settings/Token", value: "tok", secure: true)
        var options = f.options
        options.environmentVariables = ["Settings__Other": "environment"]
        options.environmentIsLayer = true
        let configuration = try await ConfigurationLoader().load(options)
        #expect(configuration.string("Settings:Mode") == "parameter")
        #expect(configuration.string("Settings:Other") == "environment")
        #expect(configuration.string("Settings:Token") == "tok")
        #expect(configuration["Settings:Token"]?.isSecret == true, "SecureString parameters are secret")
        #expect(configuration["Settings:Mode"]?.isSecret == false)
    }

    /// A store whose secret reads take a moment and that records how many overlap.
    final class OverlapRecordingStore: Sendable {
        let inside = Mutex(0)
        let most = Mutex(0)
        func enter() { inside.withLock { $0 += 1; let now = $0; most.withLock { $0 = max($0, now) } } }
        func leave() { inside.withLock { $0 -= 1 } }
    }

    @Test("concurrent refreshes never overlap: callers join the reload running, and a failed one still spaces the next")
    func refreshesDoNotOverlap() async throws {
        let f = try await fixture()
        let recorder = OverlapRecordingStore()
        var options = f.options
        // Each secret read held for a moment, so that overlapping reloads would be seen.
        options.store = InterceptingSecretStore(f.store) { base, selectors throws(StoreError) in
            recorder.enter()
            defer { recorder.leave() }
            try? await Task.sleep(for: .milliseconds(20))
            return try await base.getSecrets(selectors)
        }
        let refreshing = try await RefreshingConfiguration(options: options, policy: RefreshPolicy(interval: .seconds(3600), minimumForcedInterval: .zero))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 { group.addTask { _ = try await refreshing.refresh() } }
            try await group.waitForAll()
        }
        #expect(recorder.most.withLock { $0 } == 1, "two reloads ran at once")
        #expect(refreshing.refreshCount >= 1)
        #expect(refreshing.refreshCount < 20, "overlapping callers joined the reload running")

        // A reload that fails counts as an attempt: the next forced one waits its interval.
        let spaced = try await RefreshingConfiguration(options: f.options, policy: RefreshPolicy(interval: .seconds(3600), minimumForcedInterval: .seconds(3600)))
        try Data("{ broken".utf8).write(to: f.directory.appendingPathComponent("appsettings.json"))
        await #expect(throws: ResolutionError.self) { try await spaced.refresh() }
        #expect(try await spaced.refreshAfterAuthenticationFailure() == false, "no second reload right after a failed one")
    }

    @Test("Parameter Store values are data: a stored value with ${ stays exactly as stored")
    func parameterValuesAreNotTemplates() async throws {
        let f = try await fixture()
        try Data(#"{"AWS": {"ParameterStorePrefix": "/svc/config"}}"#.utf8).write(to: f.directory.appendingPathComponent("appsettings.json"))
        try await f.store.putParameter("/svc/config/Db/Password", value: "p${HOME}w${not a name}", secure: true)
        var options = f.options
        options.environmentVariables = ["HOME": "/root"]
        let configuration = try await ConfigurationLoader().load(options)
        #expect(configuration.string("Db:Password") == "p${HOME}w${not a name}")
    }
}
