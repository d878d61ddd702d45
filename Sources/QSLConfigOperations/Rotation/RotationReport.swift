#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfig
import QSLConfigCore

/// What a rotation run found and did: one entry per secret, with its kind, its schedule and what
/// happened. It names secrets, kinds, version ids and key ids, never a value.
public struct RotationReport: Sendable {
    public struct Entry: Sendable {
        public enum Status: String, Sendable, Codable {
            /// Rotated: a new version is AWSCURRENT.
            case rotated
            /// An interrupted rotation was finished (its AWSPENDING resumed, or its labels tidied).
            case resumed
            /// Would rotate (`--dry-run`).
            case wouldRotate = "would-rotate"
            /// Not due (with `--due` or `--check`).
            case notDue = "not-due"
            /// Held since a rollback: passed by until a run names it (`--secret`).
            case held
            /// Due (`--check`), or overdue.
            case due
            case overdue
            /// Rotation is switched off for its kind in this environment.
            case disabled
            /// Not rotated by the tool: a third-party key, rotated at its provider.
            case external
            /// A kind this version cannot rotate yet, or no kind at all.
            case unsupported
            /// Another run rotated it first.
            case superseded
            /// The new value failed its test: nothing promoted, AWSPENDING kept for the retry.
            case testFailed = "test-failed"
            case failed
            /// `--finalize`: inactive IAM keys deleted.
            case finalized
            /// `--finalize --dry-run`: the inactive IAM keys it would delete are named; none is.
            case wouldFinalize = "would-finalize"
        }

        public var name: String
        public var kind: String?
        public var status: Status
        /// When the AWSCURRENT version was created, and when it falls due.
        public var currentCreated: Date?
        public var dueDate: Date?
        /// The version made AWSCURRENT, when one was.
        public var newVersionId: String?
        /// Why, for failures and skips; never a value.
        public var message: String?
        public var isStoreFailure: Bool = false
        /// Held since a rollback and past its schedule's window: a finding (exit 1), so that a
        /// hold nobody lifts does not keep a secret unrotated with every run exiting 0.
        public var heldOverdue: Bool = false
    }

    public var environment: String
    public var mode: RotationRequest.Mode
    public var dryRun: Bool
    public var entries: [Entry]

    /// 0 done or nothing due; 1 something due under `--check`, or a test failed; 3 a store or AWS
    /// failure (a failure of one secret leaves the others done).
    public var exitStatus: Int32 {
        if entries.contains(where: { $0.isStoreFailure }) { return 3 }
        if mode == .check { return entries.contains { [.due, .overdue].contains($0.status) } ? 1 : 0 }
        if entries.contains(where: { [.testFailed, .failed].contains($0.status) || $0.heldOverdue }) { return 1 }
        return 0
    }

    func count(_ status: Entry.Status) -> Int { entries.filter { $0.status == status }.count }

    static let dateFormat: Date.ISO8601FormatStyle = .iso8601

    public func text() -> String {
        var out = ""
        let rows = entries.map { entry -> [String] in
            [
                entry.status.rawValue, entry.name, entry.kind ?? "-",
                entry.currentCreated.map { $0.formatted(Self.dateFormat) } ?? "-",
                entry.dueDate.map { $0.formatted(Self.dateFormat) } ?? "-",
                entry.message ?? entry.newVersionId.map { "now version \($0)" } ?? "",
            ]
        }
        if !rows.isEmpty { out += MigrationReport.table(header: ["status", "secret", "kind", "current since", "due", "note"], rows: rows) }
        var parts: [String] = []
        for status in [Entry.Status.rotated, .resumed, .wouldRotate, .due, .overdue, .notDue, .held, .external, .disabled, .unsupported, .superseded, .testFailed, .failed, .finalized, .wouldFinalize] {
            let n = count(status)
            if n > 0 { parts.append("\(n) \(status.rawValue)") }
        }
        out += "rotate \(environment)\(dryRun ? " (dry run)" : "")\(mode == .check ? " --check" : ""): \(entries.count) secrets"
        out += parts.isEmpty ? "\n" : ": " + parts.joined(separator: ", ") + "\n"
        return out
    }

    public func json() -> String {
        let object: [String: Any] = [
            "environment": environment, "mode": mode.rawValue, "dryRun": dryRun, "exitStatus": Int(exitStatus),
            "secrets": entries.map { entry -> [String: Any] in
                var item: [String: Any] = ["name": entry.name, "status": entry.status.rawValue]
                if let kind = entry.kind { item["kind"] = kind }
                if let date = entry.currentCreated { item["currentSince"] = date.formatted(Self.dateFormat) }
                if let date = entry.dueDate { item["due"] = date.formatted(Self.dateFormat) }
                if let version = entry.newVersionId { item["newVersionId"] = version }
                if let message = entry.message { item["message"] = message }
                if entry.heldOverdue { item["heldOverdue"] = true }
                return item
            },
        ]
        return SortedJSON.text(object, escapingSlashes: true)
    }
}
