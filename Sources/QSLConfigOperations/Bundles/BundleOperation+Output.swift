#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfig
import QSLConfigCore
import QSLCrypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension BundleOperation.Result {
    /// The manifest's path inside the output folder.
    public static let manifestPath = "manifest.json"

    struct Manifest: Codable, Equatable {
        var generator = "qsl-config bundle"
        var environment: String
        var format: String
        var services: [String]
        /// Path → `sha256:<hex>` of every other file.
        var files: [String: String]
    }

    /// `manifest.json` of this run alone: the environment, the format, the services and the
    /// sha256 of every other file, with sorted keys and no timestamps, so it is byte-identical
    /// from run to run.
    public var manifest: BundleFile { Self.encode(ownManifest) }

    /// Every file including the manifest, sorted by path.
    public var allFiles: [BundleFile] { (files + [manifest]).sorted { $0.path < $1.path } }

    var ownManifest: Manifest {
        Manifest(
            environment: environment, format: format.rawValue, services: services.sorted(),
            files: Dictionary(uniqueKeysWithValues: files.map { ($0.path, "sha256:" + Crypto.hex(Crypto.sha256($0.bytes))) }))
    }

    static func encode(_ manifest: Manifest) -> BundleFile {
        BundleFile(path: manifestPath, bytes: BundleJSON.encode(manifest), mode: 0o644)
    }

    /// What writing into `directory` means: the files to write (the manifest last), the files
    /// to remove, and the files of other services the folder keeps. A run for some services
    /// (`--service`) into a folder that holds bundles of the same environment and format
    /// updates those services and keeps the others, their manifest entries included; anything
    /// else, a run of the whole catalogue included, replaces the folder's bundle, so a service
    /// the catalogue no longer lists loses its files. A file an interrupted run may have
    /// written (listed as ``pendingDigest``) is never kept, nor is any other file of its
    /// service: the next run replaces or removes them, and a service it does not bundle leaves
    /// the manifest.
    ///
    /// - Throws: a diagnostic when the folder's `manifest.json` exists but cannot be read: the
    ///   files it lists could then neither be kept nor cleaned up.
    func plan(for directory: String) throws(Diagnostic) -> Plan {
        let own = ownManifest
        var manifest = own
        var stale: [String] = []
        var kept: [String] = []
        let previous = try Self.readManifest(in: directory)
        var dropped: [(service: String, interrupted: Bool)] = []
        if let previous {
            let mergeable = !coversWholeCatalogue && previous.environment == environment && previous.format == format.rawValue
            let bundled = Set(services)
            func service(of path: String) -> String { String(path.prefix { $0 != "/" }) }
            // What the manifest vouches for: a digest, or a pending mark whose file an interrupted
            // run never reached (its bytes still the digest the mark keeps).
            // Only the services this run does not bundle are asked: the others are written anew.
            var vouched: [String: String] = [:]
            for (path, entry) in previous.files where Self.isPlainRelativePath(path) && !bundled.contains(service(of: path)) {
                if let digest = Self.vouchedDigest(entry, path: PlatformRoot.join(directory, path)) { vouched[path] = digest }
            }
            // Services an interrupted run left a file of unvouched for: none of their files is kept.
            let interrupted = Set(
                previous.files.keys.filter { Self.isPlainRelativePath($0) && !bundled.contains(service(of: $0)) && vouched[$0] == nil }.map { service(of: $0) })
            for (path, _) in previous.files where manifest.files[path] == nil && Self.isPlainRelativePath(path) {
                let service = service(of: path)
                if mergeable && !interrupted.contains(service) && !bundled.contains(service) && previous.services.contains(service), let digest = vouched[path] {
                    manifest.files[path] = digest
                    kept.append(path)
                } else {
                    stale.append(path)
                }
            }
            let keptServices = mergeable ? previous.services.filter { !bundled.contains($0) && !interrupted.contains($0) } : []
            if mergeable {
                manifest.services = Array(Set(manifest.services).union(keptServices)).sorted()
            }
            // Said of the same environment and format only: another one's bundle is replaced whole.
            if previous.environment == environment && previous.format == format.rawValue {
                for service in Set(previous.services).subtracting(bundled).subtracting(keptServices).sorted() {
                    dropped.append((service, interrupted.contains(service)))
                }
            }
        }
        // Before the first file is written: the previous manifest (or, in a new folder, an empty
        // one of this run's environment and format) with every file this run writes that it does
        // not list with the same content marked pending: a file a killed run may have replaced is
        // vouched for by no manifest, so no later run keeps it.
        var provisional = previous ?? Manifest(environment: environment, format: format.rawValue, services: [], files: [:])
        var pending = false
        for (path, digest) in own.files where provisional.files[path] != digest {
            // The digest the file had, kept beside the mark: a run killed before it reached the
            // file leaves it vouched for by these same bytes.
            let before = provisional.files[path].flatMap(Self.markedDigest)
            provisional.files[path] = before.map { Self.pendingDigest + " " + $0 } ?? Self.pendingDigest
            pending = true
        }
        return Plan(
            files: files + [Self.encode(manifest)], stale: stale.sorted(), kept: kept.sorted(), provisional: pending ? provisional : nil, dropped: dropped)
    }

    /// What writing into a folder means (``plan(for:)``).
    struct Plan {
        /// The files to write, the manifest last.
        var files: [BundleFile]
        /// Files an earlier manifest listed that the bundle no longer has.
        var stale: [String]
        /// Files of other services the folder keeps.
        var kept: [String]
        /// The manifest to save before the first file is written; `nil` when the one on disk
        /// already vouches for every file the run writes.
        var provisional: Manifest?
        /// Services the folder's manifest (of this environment and format) listed that leave it:
        /// not bundled by a run of the whole catalogue (no longer listed), or left incomplete by
        /// an interrupted run.
        var dropped: [(service: String, interrupted: Bool)] = []
    }

    /// The digest a manifest gives a file a run is about to write: the manifest written before
    /// the first file lists every file the run may leave, so a run killed part-way leaves none
    /// that `--check` cannot see or the next run (of any format) cannot remove.
    static let pendingDigest = "pending"

    /// The digest a manifest entry vouches for: the entry itself when it is one; for a pending
    /// mark that keeps the file's earlier digest (`pending sha256:...`), that digest when the file
    /// at `path` still has it (the interrupted run never replaced it); else `nil`.
    static func vouchedDigest(_ entry: String, path: String) -> String? {
        guard let digest = markedDigest(entry) else { return nil }
        if entry == digest { return digest }
        // A pending mark: the file's bytes decide (within the reader's own size limit).
        guard FileBytes.exists(path), let bytes = try? FileBytes.read(path, maxBytes: ReaderLimits.defaultMaxBytes) else { return nil }
        return "sha256:" + Crypto.hex(Crypto.sha256(bytes)) == digest ? digest : nil
    }

    /// The digest a manifest entry names: the entry itself, or the one a pending mark keeps
    /// (`pending sha256:...`); `nil` for a bare `pending`.
    static func markedDigest(_ entry: String) -> String? {
        if entry.hasPrefix("sha256:") { return entry }
        guard entry.hasPrefix(pendingDigest + " sha256:") else { return nil }
        return String(entry.dropFirst(pendingDigest.count + 1))
    }

    /// How a file on disk differs from what the run would write.
    public struct Drift: Sendable, Hashable, CustomStringConvertible {
        public enum Kind: Sendable, Hashable {
            case missing
            case differs
            case mode(actual: UInt32, expected: UInt32)
            /// Listed by the manifest on disk, but no longer part of the bundle.
            case stale
            /// A temporary file an interrupted run left (it may hold secrets).
            case leftover
            /// A service folder that is a symbolic link or not a folder.
            case notAFolder
        }
        public var path: String
        public var kind: Kind

        public var description: String {
            switch kind {
            case .missing: "\(path): missing"
            case .differs: "\(path): content differs"
            case .mode(let actual, let expected): "\(path): mode \(String(actual, radix: 8)), expected \(String(expected, radix: 8))"
            case .stale: "\(path): no longer part of the bundle"
            case .leftover: "\(path): temporary file left by an interrupted run (it may hold secrets)"
            case .notAFolder: "\(path): a symbolic link or not a folder, where the service's folder belongs"
            }
        }
    }

    /// The files under `directory` that differ from what ``write(to:)`` would leave there:
    /// missing, changed, with the wrong mode, or left over from an earlier run (listed by its
    /// manifest, no longer produced, or a temporary file of an interrupted run); folders whose
    /// mode is not the bundle's (paths ending in `/`), and service folders that are symbolic
    /// links. Empty when the directory is up to date.
    public func drift(in directory: String) -> [Drift] {
        guard let plan = try? plan(for: directory) else { return [Drift(path: Self.manifestPath, kind: .differs)] }
        let (planned, stale, kept) = (plan.files, plan.stale, plan.kept)
        let output = BundleOutputFolder(path: directory)
        let folderMode = UInt32(Self.folderMode(holdsValues: format.holdsValues))
        let written = Set(BundleOutputFolder.serviceFolders(of: planned.map(\.path)))
        let services = BundleOutputFolder.serviceFolders(of: planned.map(\.path) + stale + kept)
        var drifted: [Drift] = []
        var unusable: Set<String> = []
        // Folders of value bundles must be 0700; an ecs folder someone made stricter is fine.
        let enforcesMode = format.holdsValues
        if enforcesMode, FileManager.default.fileExists(atPath: directory), let mode = FileBytes.permissions(of: directory), mode != folderMode {
            drifted.append(Drift(path: "", kind: .mode(actual: mode, expected: folderMode)))
        }
        for service in services {
            switch BundleOutputFolder.kind(of: PlatformRoot.join(directory, service)) {
            case .directory(let mode) where enforcesMode && mode != folderMode && written.contains(service):
                drifted.append(Drift(path: service + "/", kind: .mode(actual: mode, expected: folderMode)))
            case .symbolicLink, .other:
                drifted.append(Drift(path: service + "/", kind: .notAFolder))
                unusable.insert(service)
            default:
                break
            }
        }
        for file in planned {
            let service = BundleOutputFolder.serviceFolders(of: [file.path]).first
            if let service, unusable.contains(service) { continue }
            let path = PlatformRoot.join(directory, file.path)
            guard FileBytes.exists(path), let bytes = try? FileBytes.read(path) else {
                drifted.append(Drift(path: file.path, kind: .missing))
                continue
            }
            if bytes != file.bytes { drifted.append(Drift(path: file.path, kind: .differs)) }
            if let mode = FileBytes.permissions(of: path), mode != file.mode {
                drifted.append(Drift(path: file.path, kind: .mode(actual: mode, expected: file.mode)))
            }
        }
        for path in stale where FileBytes.exists(PlatformRoot.join(directory, path)) {
            drifted.append(Drift(path: path, kind: .stale))
        }
        for path in output.leftovers(services: services.filter { !unusable.contains($0) }) {
            drifted.append(Drift(path: path, kind: .leftover))
        }
        return drifted.sorted { $0.path < $1.path }
    }

    /// Folders of bundles that hold values are 0700, others 0755.
    static func folderMode(holdsValues: Bool) -> mode_t { holdsValues ? 0o700 : 0o755 }

    /// Writes every file under `directory` (secret-bearing files with mode 0600, the output
    /// folder and service folders 0700 when the format holds values, existing ones included;
    /// new folders of `ecs` bundles 0755), removes the files an earlier manifest listed that
    /// the bundle no longer has, and writes the manifest last.
    ///
    /// Each file is replaced atomically, but the run as a whole is not: a run killed part-way
    /// may leave some services new and some old, and temporary files never renamed. A manifest
    /// written before the first file lists every file the run may leave (``pendingDigest``), so
    /// the manifest on disk then still lists every file the run may have left, `drift(in:)`
    /// reports the differences and the leftovers, and the next run removes the leftovers first,
    /// holding an exclusive lock on the output folder. A service folder that is a symbolic link
    /// is refused: nothing is written or deleted through it.
    ///
    /// - Parameter afterStep: Called after each file written (its path), for fault-injection tests.
    /// - Returns: A note for each service whose bundle the folder held and no longer does.
    /// - Throws: ``DiagnosticList`` naming the file or folder that could not be written or removed.
    @discardableResult
    public func write(to directory: String, afterStep: ((String) -> Void)? = nil) throws(DiagnosticList) -> [String] {
        let folderMode = Self.folderMode(holdsValues: format.holdsValues)
        do {
            try AtomicFile.createDirectory(directory, mode: folderMode)
            // Held until the manifest is written: a concurrent run plans from the manifest this
            // one leaves, and never sweeps this one's temporary files.
            let lock = try BundleOutputFolder.Lock(directory)
            defer { withExtendedLifetime(lock) {} }
            let plan = try plan(for: directory)
            let (planned, stale, kept) = (plan.files, plan.stale, plan.kept)
            let output = BundleOutputFolder(path: directory)
            let services = BundleOutputFolder.serviceFolders(of: planned.map(\.path) + stale + kept)
            try output.prepare(services: BundleOutputFolder.serviceFolders(of: planned.map(\.path)), mode: folderMode, enforcingMode: format.holdsValues)
            try output.sweepLeftovers(services: services)
            if let provisional = plan.provisional {
                try AtomicFile.write(Self.encode(provisional).bytes, to: PlatformRoot.join(directory, Self.manifestPath), mode: 0o644)
            }
            for file in planned {
                if file.path == Self.manifestPath {
                    try output.remove(stale)
                }
                try AtomicFile.write(file.bytes, to: PlatformRoot.join(directory, file.path), mode: mode_t(file.mode))
                afterStep?(file.path)
            }
            return plan.dropped.map { dropped in
                dropped.interrupted
                    ? "removed \(dropped.service)'s bundle, which an interrupted run left incomplete; bundle it again with --service \(dropped.service)"
                    : "removed \(dropped.service)'s bundle: the catalogue no longer lists it"
            }
        } catch {
            throw DiagnosticList([error])
        }
    }

    static func readManifest(in directory: String) throws(Diagnostic) -> Manifest? {
        let path = PlatformRoot.join(directory, manifestPath)
        guard FileBytes.exists(path) else { return nil }
        let bytes = try FileBytes.read(path, maxBytes: 4 << 20)
        guard let manifest = try? JSONDecoder().decode(Manifest.self, from: Data(bytes)) else {
            throw Diagnostic(
                at: SourceLocation(file: path, line: 1, column: 1, offset: 0),
                "this is not a qsl-config bundle manifest, so the files it lists can be neither kept nor cleaned up; remove it or choose another --output",
                rule: "manifest")
        }
        return manifest
    }

    /// Only the paths a bundle writes, `SERVICE/FILE`, of a manifest on disk are acted on, so a
    /// tampered manifest cannot point outside the folder: not up with `..`, and not through a
    /// link below a service folder (only the service folder itself is checked not to be one).
    static func isPlainRelativePath(_ path: String) -> Bool {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        return components.count == 2 && components.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
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
