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

/// What a migration has done so far, kept under the root (`.qsl/migrate-journal.json`, mode
/// 0600, written atomically after every step) so that a killed run can be resumed and a finished
/// one rolled back. It holds no value: secret names, version ids and request tokens, and each
/// file's SHA-256 before and after with the references put into it.
struct MigrationJournal: Codable, Sendable {
    enum State: String, Codable, Sendable {
        /// Secrets are being written; no file has been touched.
        case secrets
        /// Every secret is written and read back; files are being rewritten.
        case files
        /// Every file is rewritten.
        case done
    }

    struct Secret: Codable, Sendable, Hashable {
        var name: String
        var action: String
        /// The version the migration wrote; `nil` until written, or when nothing was written.
        var versionId: String?
    }

    /// One edit the migration made to a file, and how to undo it.
    struct Replacement: Codable, Sendable, Hashable {
        /// Where the edit's new text is in the rewritten file.
        var offset: Int
        var length: Int
        /// The key, for messages.
        var key: String
        /// For a value replaced by a reference: the reference, resolved against the target to
        /// restore the value.
        var reference: String?
        /// For any other edit (a comma, an added member): the exact text it replaced, which holds
        /// no value. `nil` with no reference: a removed AWS access key, which no store holds.
        var original: String?
    }

    struct File: Codable, Sendable, Hashable {
        var path: String
        /// `sha256:` of the file before; `nil` when the migration creates it.
        var before: String?
        var after: String
        var mode: Int
        var replacements: [Replacement]
        /// Members the migration added (`Section:Key`), removed on rollback.
        var added: [String]
        /// Members the migration removed (AWS access keys), which rollback cannot restore.
        var removed: [String]
        var written: Bool
        /// `sha256:` of what a rollback wrote back, once it did: a rollback stopped partway
        /// takes the file as done on its next run even when that is not `before` (removed access
        /// keys are not restored, and restored strings lose their JSON escapes).
        var restored: String? = nil
    }

    /// Where a site's value went: the planner's decision, kept so that a resumed run names
    /// every remaining site as the interrupted one did.
    struct SiteDestination: Codable, Sendable, Hashable {
        var file: String
        /// The key, folded.
        var key: String
        var name: String
        var jsonKey: String?
    }

    var version = MigrationJournal.currentVersion
    var source: String
    var target: String
    /// The key of the request tokens: a token is HMAC-SHA256(salt, name, value), so that a
    /// retried or repeated write makes no second version while the token, which AWS shows as
    /// the version id, reveals nothing about a guessable value.
    var salt: String
    var state: State
    var secrets: [Secret]
    var files: [File]
    /// Every site's destination; `nil` in older journals.
    var sites: [SiteDestination]? = nil

    /// The sites' destinations, for ``MigrationPlanner/previous``.
    var destinations: [CredentialSite.SiteID: [MigrationPlanner.Destination]] {
        var result: [CredentialSite.SiteID: [MigrationPlanner.Destination]] = [:]
        for site in sites ?? [] {
            result[CredentialSite.SiteID(file: site.file, key: site.key), default: []].append(.init(name: site.name, jsonKey: site.jsonKey))
        }
        return result
    }

    static func siteDestinations(_ destinations: [CredentialSite.SiteID: [MigrationPlanner.Destination]]) -> [SiteDestination] {
        destinations.sorted { $0.key < $1.key }.flatMap { id, chosen in
            chosen.map { SiteDestination(file: id.file, key: id.key, name: $0.name, jsonKey: $0.jsonKey) }
        }
    }

    static let relativePath = ".qsl/migrate-journal.json"

    static func path(root: String) -> String { PlatformRoot.join(root, relativePath) }

    /// A finished migration's journal kept aside when another starts: `.qsl/migrate-journal.N.json`,
    /// N counting up, so that rollbacks undo migrations one at a time, the latest first.
    static func archivedPath(root: String, number: Int) -> String {
        PlatformRoot.join(root, ".qsl/migrate-journal.\(number).json")
    }

    /// The numbers of the journals kept aside, ascending.
    static func archivedNumbers(root: String) -> [Int] {
        let folder = PlatformRoot.join(root, ".qsl")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.compactMap { name -> Int? in
            guard name.hasPrefix("migrate-journal."), name.hasSuffix(".json") else { return nil }
            return Int(name.dropFirst("migrate-journal.".count).dropLast(".json".count))
        }.sorted()
    }

    /// Moves the finished journal aside before a new migration writes its own.
    static func archive(root: String) throws(MigrationError) {
        let target = archivedPath(root: root, number: (archivedNumbers(root: root).last ?? 0) + 1)
        guard rename(path(root: root), target) == 0 else {
            let reason = String(cString: strerror(errno))
            throw MigrationError([Diagnostic(at: nil, "cannot keep the last migration's journal as \(target): \(reason); nothing was written", rule: "journal")])
        }
    }

    /// After a rollback: the journal kept aside last becomes the current one again, so that the
    /// next rollback undoes the migration before. Returns its path, or `nil` when there is none.
    static func restoreArchived(root: String) -> String? {
        guard let last = archivedNumbers(root: root).last else { return nil }
        let archived = archivedPath(root: root, number: last)
        return rename(archived, path(root: root)) == 0 ? archived : nil
    }

    /// Reads the journal under `root`, its file paths taken relative to `root` as ``save(root:)``
    /// wrote them, so that a copied or moved tree rolls back and resumes on its own files.
    ///
    /// - Throws: ``MigrationError`` when the journal cannot be read, or names a file by an
    ///   absolute path outside `root` (a journal an older version wrote in another copy of the
    ///   tree: acting on it would change that copy's files).
    static func load(root: String) throws(MigrationError) -> MigrationJournal? {
        let path = path(root: root)
        guard FileBytes.exists(path) else { return nil }
        let journal: MigrationJournal
        do {
            let bytes = try FileBytes.read(path, maxBytes: 16 << 20)
            journal = try JSONDecoder().decode(MigrationJournal.self, from: Data(bytes))
        } catch {
            throw MigrationError([
                Diagnostic(
                    at: SourceLocation(file: path, line: 1, column: 1, offset: 0),
                    "the migration journal cannot be read (\(error)); move it aside to start over", rule: "journal")
            ])
        }
        var outside: [String] = []
        let resolved = journal.mappingPaths { stored in
            guard stored.hasPrefix("/") else { return PlatformRoot.join(root, stored) }
            // Journals before version 2 kept paths as the run was given them.
            guard let relative = Self.relativePath(of: stored, inside: root) else {
                outside.append(stored)
                return stored
            }
            return PlatformRoot.join(root, relative)
        }
        guard outside.isEmpty else {
            throw MigrationError([
                Diagnostic(
                    at: SourceLocation(file: path, line: 1, column: 1, offset: 0),
                    "the migration journal names \(outside.count == 1 ? "a file" : "\(outside.count) files") outside \(root) (\(outside.prefix(3).joined(separator: ", "))): it was written for another copy of the tree; run --rollback there, or move the journal aside",
                    rule: "journal")
            ])
        }
        return resolved
    }

    /// Writes the journal under `root` (atomically, mode 0600), with file paths relative to `root`.
    func save(root: String) throws(MigrationError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let path = Self.path(root: root)
        let prefix = PlatformRoot.join(root, "")
        var stored = mappingPaths { path in path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path }
        stored.version = Self.currentVersion
        do {
            try AtomicFile.createDirectory(AtomicFile.parentDirectory(of: path))
            try AtomicFile.write(Array(try encoder.encode(stored)) + [UInt8(ascii: "\n")], to: path, mode: 0o600)
        } catch let error as Diagnostic {
            throw MigrationError([error])
        } catch {
            throw MigrationError([Diagnostic(at: nil, "cannot write the migration journal \(path): \(error)", rule: "journal")])
        }
    }

    /// The journal format: 2 keeps file paths relative to the root; 1 kept them as given.
    static let currentVersion = 2

    /// The journal with every file path passed through `transform`.
    func mappingPaths(_ transform: (String) -> String) -> MigrationJournal {
        var copy = self
        for index in copy.files.indices { copy.files[index].path = transform(copy.files[index].path) }
        if let sites = copy.sites {
            copy.sites = sites.map { site in
                var site = site
                site.file = transform(site.file)
                return site
            }
        }
        return copy
    }

    /// `path` (absolute) relative to `root`, when it lies inside it, both with symbolic links
    /// resolved; `nil` otherwise. The file itself may be gone (a created file rolled back), so
    /// its folder is resolved.
    static func relativePath(of path: String, inside root: String) -> String? {
        guard let realRoot = AtomicFile.realPath(root) else { return nil }
        let folder = AtomicFile.parentDirectory(of: path)
        guard let realFolder = AtomicFile.realPath(folder) else { return nil }
        let name = String(path.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
        let base = realRoot == "/" ? "/" : realRoot + "/"
        if realFolder == realRoot { return name }
        guard realFolder.hasPrefix(base) else { return nil }
        return String(realFolder.dropFirst(base.count)) + "/" + name
    }

    /// The request token of a write of `value` to `name`: UUID-shaped, as Secrets Manager wants.
    func token(name: String, value: String) -> String {
        let mac = Crypto.hmacSHA256(key: Array(salt.utf8), message: Array(name.utf8) + [0] + Array(value.utf8))
        let hex = Crypto.hex(mac.prefix(16))
        let chars = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(chars[$0]) }.joined(separator: "-")
    }

    /// Loads libcrypto, which the request tokens and file digests need, or says why it cannot be
    /// (the library and the package to install) before the migration or rollback starts.
    static func loadCrypto() throws(MigrationError) {
        do { try Crypto.loadLibrary() } catch { throw MigrationError([Diagnostic(at: nil, "\(error)", rule: "library")]) }
    }

    static func digest(_ bytes: [UInt8]) -> String { "sha256:" + Crypto.hex(Crypto.sha256(bytes)) }
}
