import QSLConfig
import QSLConfigCore

/// What a migration found and did. It names secrets, files and keys, never a value.
public struct MigrationReport: Sendable {
    public var plan: MigrationPlan
    public var dryRun: Bool
    /// Whether anything was written (secrets or files).
    public var wrote: Bool
    /// The store calls made: reads (batched), writes (one per secret), read-backs.
    public var calls: Calls
    /// Keys the end check found resolving to another value than the source had.
    public var endCheckFailures: [Diagnostic]
    /// Whether the end check could not compare the values because the store failed (exit 3);
    /// ``endCheckFailures`` says why. The migration itself is done then.
    public var endCheckStoreFailure = false
    /// A journal of an earlier interrupted run that this one resumed.
    public var resumed: Bool

    public struct Calls: Sendable, Codable, Hashable {
        public var reads = 0
        public var writes = 0
        public var readBacks = 0
        public var endCheck = 0
        public var total: Int { reads + writes + readBacks + endCheck }
    }

    /// 0 done or nothing to do, 1 conflicts, unmigratable findings or a failed end check, 3 an
    /// end check the store failed.
    public var exitStatus: Int32 {
        if endCheckStoreFailure { return 3 }
        if !plan.unmigratable.isEmpty || !plan.conflicts.isEmpty || !endCheckFailures.isEmpty { return 1 }
        return 0
    }

    public var isNothingToDo: Bool { plan.isEmpty && plan.unmigratable.isEmpty && plan.accessKeys.isEmpty }

    func count(_ action: MigrationPlan.Secret.Action) -> Int { plan.secrets.filter { $0.action == action }.count }

    // MARK: Text

    /// The plan as a table and the summary, for a terminal or a CI log.
    public func text() -> String {
        var out = ""
        if isNothingToDo {
            var out = "migrate \(plan.source.name) → \(plan.target.name): nothing to do (\(plan.services.count) services, \(calls.total) calls)\n"
            for site in plan.review {
                out += "\(site.location): note: '\(site.key)' looks random but is not named as a credential; pass --include \(site.key) to migrate it [migrate-review]\n"
            }
            return out
        }
        if !plan.secrets.isEmpty {
            let rows = plan.secrets.map { secret -> [String] in
                let keys = secret.jsonKeys.isEmpty ? "(whole)" : secret.jsonKeys.joined(separator: ",")
                return [secret.action.rawValue, secret.name, keys, secret.kind, "\(secret.sites.count)"]
            }
            out += Self.table(header: ["action", "secret", "keys", "kind", "sites"], rows: rows)
            for secret in plan.secrets where dryRun {
                for site in secret.sites { out += "  \(secret.name) ← \(site.location.file):\(site.location.line):\(site.location.column) '\(site.key)'\n" }
            }
        }
        for file in plan.files {
            var parts: [String] = []
            if !file.replaced.isEmpty { parts.append("\(file.replaced.count) replaced") }
            if !file.added.isEmpty { parts.append("\(file.added.count) added") }
            if !file.removed.isEmpty { parts.append("\(file.removed.count) removed") }
            // A run stopped before writing (a conflict) says what it would have done, as a dry run does.
            out += "\(wrote ? "rewrote" : "would rewrite") \(file.path) (\(parts.joined(separator: ", "))\(file.newText != nil ? ", new file" : ""))\n"
        }
        for shared in plan.sharedValues {
            let connections = shared.sites.allSatisfy { $0.key.folded.hasPrefix("CONNECTIONSTRINGS:") }
            out += "note: \(shared.sites.count) \(connections ? "connection strings" : "keys") share one \(shared.part): "
                + shared.sites.prefix(4).map { "'\($0.key)'" }.joined(separator: ", ") + (shared.sites.count > 4 ? ", ..." : "") + "\n"
        }
        for site in plan.accessKeys {
            out += "\(site.location): warning: '\(site.key)' holds an AWS access key; \(wrote ? "it was" : "it would be") removed, not migrated: deactivate it (task roles replace it) [migrate-access-key]\n"
        }
        for site in plan.review {
            out += "\(site.location): note: '\(site.key)' looks random but is not named as a credential; pass --include \(site.key) to migrate it [migrate-review]\n"
        }
        for diagnostic in plan.warnings { out += diagnostic.description + "\n" }
        for diagnostic in plan.unmigratable { out += diagnostic.description + "\n" }
        for secret in plan.conflicts {
            out += "error: \(secret.name) exists in \(plan.target.name)'s store with another value; nothing was written for it (pass --update-existing to put a new version) [migrate-conflict]\n"
        }
        for diagnostic in endCheckFailures { out += diagnostic.description + "\n" }
        out += summary() + "\n"
        return out
    }

    /// One line: secrets by action, files, findings, calls.
    public func summary() -> String {
        // A run that stopped before writing (a conflict) counts what it would have done.
        let stopped = !dryRun && !wrote
        var parts = [
            "\(count(.create)) \(stopped ? "to create" : "created")", "\(count(.unchanged)) unchanged",
            "\(count(.addKeys) + count(.update)) \(stopped ? "to update" : "updated")", "\(count(.conflict)) conflicting",
            "\(plan.files.count) files \(dryRun ? "to rewrite" : (wrote ? "rewritten" : "not rewritten"))",
        ]
        if !plan.review.isEmpty { parts.append("\(plan.review.count) left for review") }
        if !plan.accessKeys.isEmpty { parts.append("\(plan.accessKeys.count) access keys to deactivate") }
        if !plan.unmigratable.isEmpty { parts.append("\(plan.unmigratable.count) unmigratable") }
        parts.append("\(calls.total) calls")
        let head = dryRun ? "migrate \(plan.source.name) → \(plan.target.name) (dry run)" : "migrate \(plan.source.name) → \(plan.target.name)"
        return head + (resumed ? " (resumed)" : "") + ": " + parts.joined(separator: ", ")
    }

    static func table(header: [String], rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in index == cells.count - 1 ? cell : cell.padded(toUTF16Width: widths[index]) }
                .joined(separator: "  ") + "\n"
        }
        return line(header) + rows.map(line).joined()
    }

    // MARK: JSON

    /// The whole report as JSON: names, actions, and the file and key of every occurrence.
    public func json() -> String {
        func site(_ site: CredentialSite) -> [String: Any] {
            ["file": site.file, "line": site.location.line, "column": site.location.column, "key": site.key.spelling, "services": site.services]
        }
        func diagnostic(_ diagnostic: Diagnostic) -> [String: Any] {
            var object: [String: Any] = ["message": diagnostic.message, "rule": diagnostic.rule ?? ""]
            if let location = diagnostic.location {
                object["file"] = location.file
                object["line"] = location.line
                object["column"] = location.column
            }
            if let key = diagnostic.keyPath { object["key"] = key }
            return object
        }
        let object: [String: Any] = [
            "source": plan.source.name, "target": plan.target.name, "dryRun": dryRun, "wrote": wrote, "resumed": resumed,
            "services": plan.services,
            "secrets": plan.secrets.map { secret -> [String: Any] in
                ["name": secret.name, "action": secret.action.rawValue, "kind": secret.kind, "jsonKeys": secret.jsonKeys, "services": secret.services,
                 "occurrences": secret.sites.map(site)]
            },
            "files": plan.files.map { file -> [String: Any] in
                ["path": file.path, "replaced": file.replaced, "added": file.added, "removed": file.removed, "created": file.newText != nil]
            },
            "sharedValues": plan.sharedValues.map { ["part": $0.part, "occurrences": $0.sites.map(site)] as [String: Any] },
            "accessKeys": plan.accessKeys.map(site), "review": plan.review.map(site),
            "unmigratable": plan.unmigratable.map(diagnostic), "warnings": plan.warnings.map(diagnostic),
            "endCheckFailures": endCheckFailures.map(diagnostic), "endCheckStoreFailure": endCheckStoreFailure,
            "calls": ["reads": calls.reads, "writes": calls.writes, "readBacks": calls.readBacks, "endCheck": calls.endCheck, "total": calls.total],
            "summary": summary(), "exitStatus": Int(exitStatus),
        ]
        return SortedJSON.text(object, escapingSlashes: true)
    }
}
