#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfig
import QSLConfigCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `qsl-config migrate --rollback`: the files of the last migration restored from its journal,
/// each reference replaced by the value read back from the store, each member the migration
/// added taken out, each file it created removed. The secrets stay in the store.
///
/// A file that changed since the migration wrote it stops the rollback before any file is
/// touched, named: rolling it back would undo someone else's edit, and rolling back the others
/// alone would leave a tree that half refers to the target's secrets. Each migration's journal
/// is kept, so rollbacks undo them one at a time, the latest first.
public struct MigrationRollback: Sendable {
    public init() {}

    public struct Outcome: Sendable {
        public var restored: [String]
        public var removed: [String]
        /// AWS access keys the migration took out, which no store holds.
        public var notRestored: [String]
        /// Whether an earlier migration's journal is now the current one, for the next rollback.
        public var earlierMigration = false
        /// The journal, when it could not be renamed after the rollback: the next rollback would
        /// take it up again, so it must be moved aside by hand.
        public var journalNotMoved: String?
        /// Files restored to the same values but not byte for byte: a restored string's JSON
        /// escapes (`\u0041`, `\/`) are written as qsl-config writes strings, since the journal
        /// keeps no trace of a value's spelling.
        public var reencoded: [String] = []

        public func text() -> String {
            var out = ""
            for path in restored { out += "restored \(path)\n" }
            for path in removed { out += "removed \(path) (the migration created it)\n" }
            for key in notRestored { out += "note: \(key) (an AWS access key) was removed by the migration and is not restored\n" }
            for path in reencoded {
                out += "note: \(path) is not byte for byte what it was before the migration: a restored string's JSON escapes are written plainly, or a secret changed since\n"
            }
            if earlierMigration { out += "note: the migration before this one can be rolled back next (run --rollback again)\n" }
            if let journalNotMoved { out += "warning: \(journalNotMoved) could not be renamed to .rolled-back; move it aside before migrating or rolling back again\n" }
            return out + "rollback: \(restored.count) files restored, \(removed.count) removed\n"
        }
    }

    public func run(
        root path: String, makeStore: @Sendable (EnvironmentDefinition) throws(StoreError) -> any SecretStore
    ) async throws(MigrationError) -> Outcome {
        try MigrationJournal.loadCrypto()
        // A run killed between keeping the last journal aside and saving its own leaves only
        // the kept one: it is the migration to roll back.
        if !FileBytes.exists(MigrationJournal.path(root: path)) { _ = MigrationJournal.restoreArchived(root: path) }
        guard var journal = try MigrationJournal.load(root: path) else {
            throw MigrationError([Diagnostic(at: nil, "there is no migration to roll back in \(path) (no \(MigrationJournal.relativePath))", rule: "journal")])
        }
        let target: EnvironmentDefinition
        do { target = try PlatformRoot(path: path).environment(journal.target) } catch { throw MigrationError(error.diagnostics) }
        let store: any SecretStore
        do { store = try makeStore(target) } catch { throw MigrationError(store: error, "\(target.name)'s store") }

        // Every reference of every written file, resolved in one batched read.
        // A file killed between its write and the journal's note of it holds the bytes its entry
        // names: it was written too (a resumed run no longer plans it, so never marks it).
        // Each file read and hashed once here (and once more just before it is restored).
        var digests: [String: String?] = [:]
        for file in journal.files where digests[file.path] == nil {
            digests[file.path] = (try? FileBytes.read(file.path, maxBytes: ReaderLimits.defaultMaxBytes)).map(MigrationJournal.digest)
        }
        let written = journal.files.filter { file in file.written || (digests[file.path] ?? nil) == file.after }
        // Every written file as the migration left it, before any is touched; one already back
        // as it was before (a rollback stopped partway) is done.
        var changed: [Diagnostic] = []
        var toRestore: [MigrationJournal.File] = []
        for file in written {
            let digest = digests[file.path] ?? nil
            if digest != nil, digest == file.after {
                toRestore.append(file)
            } else if (digest != nil && digest == file.restored) || (file.before.map({ digest == $0 }) ?? (digest == nil && !FileBytes.exists(file.path))) {
                continue
            } else {
                let state = FileBytes.exists(file.path) ? "changed since the migration wrote it" : "is gone since the migration wrote it"
                changed.append(
                    Diagnostic(
                        at: SourceLocation(file: file.path, line: 1, column: 1, offset: 0),
                        "\(state); nothing was rolled back: put back what the migration wrote (set the other edit aside), then roll back again", rule: "journal"))
            }
        }
        guard changed.isEmpty else { throw MigrationError(changed) }
        var references: [String: SecretReference] = [:]
        for file in toRestore {
            for text in file.replacements.compactMap(\.reference) {
                // Before any file is touched: a reference that is not a secret's has no value to restore.
                guard let template = try? PlaceholderTemplate(parsing: text), case .secret(let secret)? = template.references.first else {
                    throw MigrationError([
                        Diagnostic(
                            at: SourceLocation(file: file.path, line: 1, column: 1, offset: 0),
                            "the journal records \(text) for this file, which is not a secret reference; nothing was rolled back", rule: "journal")
                    ])
                }
                references[text] = secret.resolvingRelative(under: target.secretsPrefix)
            }
        }
        var values: [String: String] = [:]
        let selectors = Array(Set(references.values.map(\.version)))
        if !selectors.isEmpty {
            let result: SecretFetchResult
            do { result = try await store.getSecrets(selectors) } catch { throw MigrationError(store: error, "reading \(target.name)'s store") }
            for (text, reference) in references {
                guard let stored = result.secrets[reference.version], case .string(let value) = stored.payload else {
                    throw MigrationError([Diagnostic(at: nil, "\(reference.secretId) cannot be read back from \(target.name)'s store; nothing was rolled back", rule: "journal")])
                }
                if let key = reference.jsonKey {
                    guard let field = SortedJSON.object(value.unsafeRevealed)?[key]?.stringValue else {
                        throw MigrationError([Diagnostic(at: nil, "\(reference.secretId) has no JSON key '\(key)'; nothing was rolled back", rule: "journal")])
                    }
                    values[text] = field
                } else {
                    values[text] = value.unsafeRevealed
                }
            }
        }

        var outcome = Outcome(restored: [], removed: [], notRestored: [])
        for file in toRestore.reversed() {
            // Checked above; read again, and still as written, just before it is restored.
            guard let bytes = try? FileBytes.read(file.path, maxBytes: ReaderLimits.defaultMaxBytes), MigrationJournal.digest(bytes) == file.after else {
                throw MigrationError([
                    Diagnostic(
                        at: SourceLocation(file: file.path, line: 1, column: 1, offset: 0),
                        "changed while the rollback ran; it and the files not restored yet are left as they are: run the rollback again once it is as the migration wrote it",
                        rule: "journal")
                ])
            }
            do {
                if file.before == nil {
                    try FileManager.default.removeItem(atPath: file.path)
                    outcome.removed.append(file.path)
                    continue
                }
                let document = try JSONDocument(parsing: bytes, file: file.path)
                let edits = file.replacements.compactMap { replacement -> JSONEdit? in
                    let range = replacement.offset..<(replacement.offset + replacement.length)
                    if let reference = replacement.reference {
                        // The secret holds the value as the service read it; the file spells a
                        // literal `${` as `$${`.
                        // Every reference has its value: reading them above stopped the rollback otherwise.
                        return JSONEdit(range: range, replacement: JSONStringEncoding.quoted(PlaceholderTemplate.escapingLiteral(values[reference]!)))
                    }
                    return replacement.original.map { JSONEdit(range: range, replacement: $0) }
                }
                let restored = try document.applying(edits)
                // Noted before the write, so a rollback stopped right after it finds the file
                // done (a note for a write that never happened is harmless: the file still holds
                // the migration's bytes, which come first). A journal that cannot be written
                // only loses that; the journal's own move below says so.
                if let entry = journal.files.firstIndex(where: { $0.path == file.path }) {
                    journal.files[entry].restored = MigrationJournal.digest(restored)
                    try? journal.save(root: path)
                }
                try AtomicFile.write(restored, to: file.path, mode: mode_t(file.mode), followingLinks: true)
                outcome.restored.append(file.path)
                // (A file the migration took access keys out of is not its old bytes either; the
                // note on those keys says why.)
                if file.removed.isEmpty, MigrationJournal.digest(restored) != file.before { outcome.reencoded.append(file.path) }
                outcome.notRestored += file.removed.map { "\(file.path): \($0)" }
            } catch let error as Diagnostic {
                throw MigrationError([error])
            } catch let error as MigrationError {
                throw error
            } catch {
                throw MigrationError([Diagnostic(at: SourceLocation(file: file.path, line: 1, column: 1, offset: 0), "\(error)", rule: "journal")])
            }
        }
        // The journal is kept beside, renamed, for the record; an earlier rollback's record (the
        // secrets it left in the store) is kept too, under the next free number.
        let journalPath = MigrationJournal.path(root: path)
        var record = journalPath + ".rolled-back"
        var number = 2
        while FileManager.default.fileExists(atPath: record) {
            record = journalPath + ".rolled-back.\(number)"
            number += 1
        }
        do {
            try FileManager.default.moveItem(atPath: journalPath, toPath: record)
        } catch {
            outcome.journalNotMoved = journalPath
            return outcome
        }
        outcome.earlierMigration = MigrationJournal.restoreArchived(root: path) != nil
        return outcome
    }
}
