import Foundation
import QSLConfigCore
import QSLCrypto

extension BundleOperation.Result {
    /// The manifest's path inside the output folder.
    public static let manifestPath = "manifest.json"

    struct Manifest: Codable {
        var generator = "qsl-config bundle"
        var environment: String
        var format: String
        var services: [String]
        /// Path → `sha256:<hex>` of every other file.
        var files: [String: String]
    }

    /// `manifest.json`: the environment, the format, the services and the sha256 of every other
    /// file, with sorted keys and no timestamps, so it is byte-identical from run to run.
    public var manifest: BundleFile {
        let digests = Dictionary(uniqueKeysWithValues: files.map { ($0.path, "sha256:" + Crypto.hex(Crypto.sha256($0.bytes))) })
        let manifest = Manifest(environment: environment, format: format.rawValue, services: services, files: digests)
        return BundleFile(path: Self.manifestPath, bytes: BundleJSON.encode(manifest), mode: 0o644)
    }

    /// Every file including the manifest, sorted by path.
    public var allFiles: [BundleFile] { (files + [manifest]).sorted { $0.path < $1.path } }

    /// How a file on disk differs from what the run would write.
    public struct Drift: Sendable, Hashable, CustomStringConvertible {
        public enum Kind: Sendable, Hashable {
            case missing
            case differs
            case mode(actual: UInt32, expected: UInt32)
            /// Listed by the manifest on disk, but no longer part of the bundle.
            case stale
        }
        public var path: String
        public var kind: Kind

        public var description: String {
            switch kind {
            case .missing: "\(path): missing"
            case .differs: "\(path): content differs"
            case .mode(let actual, let expected): "\(path): mode \(String(actual, radix: 8)), expected \(String(expected, radix: 8))"
            case .stale: "\(path): no longer part of the bundle"
            }
        }
    }

    /// The files under `directory` that differ from this result: missing, changed, with the
    /// wrong mode, or left over from an earlier run (listed by its manifest, no longer
    /// produced). Empty when the directory is up to date.
    public func drift(in directory: String) -> [Drift] {
        var drifted: [Drift] = []
        for file in allFiles {
            let path = PlatformRoot.join(directory, file.path)
            guard FileBytes.exists(path), let bytes = try? FileBytes.read(path) else {
                drifted.append(Drift(path: file.path, kind: .missing))
                continue
            }
            if bytes != file.bytes { drifted.append(Drift(path: file.path, kind: .differs)) }
            if let mode = Self.mode(of: path), mode != file.mode {
                drifted.append(Drift(path: file.path, kind: .mode(actual: mode, expected: file.mode)))
            }
        }
        for path in staleFiles(in: directory) where FileBytes.exists(PlatformRoot.join(directory, path)) {
            drifted.append(Drift(path: path, kind: .stale))
        }
        return drifted.sorted { $0.path < $1.path }
    }

    /// Writes every file under `directory` atomically (secret-bearing files with mode 0600,
    /// folders 0700 when the format holds values), the manifest last, then removes the files
    /// an earlier manifest listed that this run no longer produces.
    ///
    /// - Throws: ``DiagnosticList`` naming the file that could not be written.
    public func write(to directory: String) throws(DiagnosticList) {
        let stale = staleFiles(in: directory)
        let folderMode: mode_t = format.holdsValues ? 0o700 : 0o755
        do {
            try AtomicFile.createDirectory(directory, mode: folderMode)
            for file in files + [manifest] {
                let path = PlatformRoot.join(directory, file.path)
                try AtomicFile.createDirectory(AtomicFile.parentDirectory(of: path), mode: folderMode)
                try AtomicFile.write(file.bytes, to: path, mode: mode_t(file.mode))
            }
        } catch {
            throw DiagnosticList([error])
        }
        for path in stale {
            unlink(PlatformRoot.join(directory, path))
        }
    }

    /// Files the manifest already in `directory` lists that this result does not produce. Only
    /// plain relative paths are considered, so a tampered manifest cannot point outside.
    func staleFiles(in directory: String) -> [String] {
        let path = PlatformRoot.join(directory, Self.manifestPath)
        guard FileBytes.exists(path), let bytes = try? FileBytes.read(path, maxBytes: 4 << 20),
            let previous = try? JSONDecoder().decode(Manifest.self, from: Data(bytes))
        else { return [] }
        let produced = Set(allFiles.map(\.path))
        return previous.files.keys.filter { listed in
            let components = listed.split(separator: "/", omittingEmptySubsequences: false)
            let plain = !listed.hasPrefix("/") && !components.isEmpty && components.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
            return plain && !produced.contains(listed)
        }.sorted()
    }

    static func mode(of path: String) -> UInt32? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return UInt32(info.st_mode) & 0o777
    }
}

/// Deterministic JSON for bundle files: sorted keys, two-space indentation, slashes unescaped,
/// a final newline.
enum BundleJSON {
    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(value)) + [0x0A]
        } catch {
            // The bundle types hold only strings, arrays and dictionaries of strings.
            preconditionFailure("bundle JSON could not be encoded: \(error)")
        }
    }
}
