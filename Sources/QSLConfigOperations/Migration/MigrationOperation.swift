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

/// `qsl-config migrate` as a library call: every plaintext credential an environment's files hold
/// moved into another environment's store, the files rewritten in place to reference it, and
/// every service proven to resolve to the values it had.
///
/// The steps, each safe to interrupt:
/// 1. **Plan** from the files (``MigrationPlanner``): sites, names, edits. Nothing is written.
/// 2. **Read** the store for every planned secret in batches (`BatchGetSecretValue`, 20 names a
///    call): each secret is *create*, *unchanged*, *add-keys* or *conflict*. A conflict or an
///    unmigratable finding stops here with nothing written.
/// 3. **Write** each secret in one call, with the environment's KMS key and tags and a request
///    token derived from its name and value, so a retried or repeated write adds no version; the
///    journal records each.
/// 4. **Read back** every secret and compare, before any file is touched.
/// 5. **Rewrite** each file atomically with its mode, every byte but the edited values unchanged.
/// 6. **End check:** resolve every service in the target against the store; each migrated key
///    must give the source's value.
///
/// A run killed at any point resumes on the next: written secrets read back as unchanged,
/// rewritten files hold references and are not found again, and the journal's salt makes the
/// same tokens.
public struct MigrationOperation: Sendable {
    public init() {}

    public func run(_ request: MigrationRequest) async throws(MigrationError) -> MigrationReport {
        try MigrationJournal.loadCrypto()
        let (root, source, target, services) = try Self.open(request)
        let include = Set(request.include.map(ConfigKey.fold))
        let writeOnly: [String: Set<String>]
        do {
            writeOnly = try ValidationOperation.writeOnlyPaths(root: root, environments: [source.name, target.name], services: services)
        } catch {
            throw MigrationError(error.diagnostics)
        }
        let previous = try MigrationJournal.load(root: root.path)
        let resumed = previous.map { $0.state != .done } ?? false
        var planner = MigrationPlanner(root: root, source: source, target: target, serviceIds: services, include: include, writeOnly: writeOnly)
        if resumed, let previous, previous.source == source.name, previous.target == target.name { planner.previous = previous.destinations }
        var plan = try planner.plan()
        if let previous, resumed, previous.source != source.name || previous.target != target.name {
            throw MigrationError([
                Diagnostic(
                    at: SourceLocation(file: MigrationJournal.path(root: root.path), line: 1, column: 1, offset: 0),
                    "an interrupted migration from \(previous.source) to \(previous.target) is in this root; finish it (qsl-config migrate --from \(previous.source) --to \(previous.target)) or roll it back first",
                    rule: "journal")
            ])
        }

        let store: any SecretStore
        do { store = try request.makeStore(target) } catch { throw MigrationError(store: error, "\(target.name)'s store") }
        // The source keeps reading its own store: where that is not the target's, the references
        // the rewrite gives it name secrets its store must hold too (said before anything is
        // written; the end check reads the source from its own store).
        // Opened only when the source reads migrated secrets, and the target's store itself when
        // it is the same one (one set of credentials, one cache).
        var sourceStore: Result<any SecretStore, StoreError>?
        if !plan.sourceExpected.isEmpty {
            switch Result(catching: { () throws(StoreError) in try request.makeStore(source) }) {
            case .success(let opened) where opened.storeIdentity == store.storeIdentity:
                sourceStore = .success(store)
            case .success(let opened):
                sourceStore = .success(opened)
                plan.warnings.append(
                    Diagnostic(
                        .warning, at: nil,
                        "\(source.name) reads another store than \(target.name) (\(opened.storeDescription)): after the migration it reads the migrated secrets there, under \(target.secretsPrefix), which that store must hold",
                        rule: "migrate-environment"))
            case .failure(let error):
                sourceStore = .failure(error)
                plan.warnings.append(
                    Diagnostic(
                        .warning, at: nil,
                        "\(source.name)'s store cannot be opened (\(error.message)): after the migration \(source.name) reads the migrated secrets from it, under \(target.secretsPrefix), and the end check cannot check that",
                        rule: "migrate-environment"))
            }
        }
        var calls = MigrationReport.Calls()
        var existing: [String: StoredSecret] = [:]
        if !plan.secrets.isEmpty {
            let result: SecretFetchResult
            do { result = try await store.getSecrets(plan.secrets.map { SecretVersionSelector(secretId: $0.name) }) } catch {
                throw MigrationError(store: error, "reading \(target.name)'s store")
            }
            calls.reads += result.calls
            for (selector, failure) in result.failures where failure.code != .notFound {
                throw MigrationError(store: failure, "reading \(selector.secretId)")
            }
            for (selector, secret) in result.secrets { existing[selector.secretId] = secret }
        }
        for index in plan.secrets.indices {
            plan.secrets[index].action = Self.action(for: plan.secrets[index], existing: existing[plan.secrets[index].name], updateExisting: request.updateExisting)
        }
        var report = MigrationReport(plan: plan, dryRun: request.dryRun, wrote: false, calls: calls, endCheckFailures: [], resumed: resumed)
        if request.dryRun || report.exitStatus != 0 || report.isNothingToDo { return report }
        try Self.checkUnchanged(plan.files, written: 0)

        // Write the secrets, journaled.
        var journal = MigrationJournal(
            source: source.name, target: target.name, salt: resumed ? previous!.salt : Crypto.hex((try? Crypto.randomBytes(32)) ?? Array(UUID().uuidString.utf8)),
            state: .secrets, secrets: plan.secrets.map { .init(name: $0.name, action: $0.action.rawValue, versionId: nil) }, files: [])
        journal.sites = MigrationJournal.siteDestinations(plan.destinations)
        if resumed {
            journal.files = previous!.files
            let planned = Set((journal.sites ?? []).map { CredentialSite.SiteID(file: $0.file, key: $0.key) })
            journal.sites! += (previous!.sites ?? []).filter { !planned.contains(CredentialSite.SiteID(file: $0.file, key: $0.key)) }
        }
        // A finished migration's journal is kept aside, not overwritten: rollback undoes the
        // migrations one at a time, this one first.
        if previous != nil, !resumed { try MigrationJournal.archive(root: root.path) }
        try journal.save(root: root.path)
        request.afterStep?("journal: started")
        var written: [String: String] = [:]
        for (index, secret) in plan.secrets.enumerated() where secret.action != .unchanged {
            let value = secret.secretString(mergingOver: Self.jsonObject(existing[secret.name]))
            let token = journal.token(name: secret.name, value: value)
            request.progress?("\(secret.action.rawValue) \(secret.name)\(secret.jsonKeys.isEmpty ? "" : " [\(secret.jsonKeys.joined(separator: ", "))]")")
            let version: SecretVersionRef
            do {
                if secret.action == .create {
                    version = try await store.createSecret(
                        CreateSecretRequest(
                            name: secret.name, value: .string(SecretValue(value)),
                            description: "Migrated by qsl-config from \(source.name)", kmsKeyId: target.kmsKeyAlias,
                            tags: Self.tags(secret, source: source, target: target), clientRequestToken: token))
                } else {
                    version = try await store.putSecretValue(secret.name, value: .string(SecretValue(value)), stages: nil, clientRequestToken: token)
                }
            } catch {
                throw MigrationError(store: error, "writing \(secret.name)")
            }
            calls.writes += 1
            request.afterStep?("secret: \(secret.name)")
            journal.secrets[index].versionId = version.versionId
            written[secret.name] = value
            try journal.save(root: root.path)
            request.afterStep?("journal: \(secret.name)")
        }
        report.wrote = !written.isEmpty

        // Read back every planned secret before touching a file.
        let readBack: SecretFetchResult
        do { readBack = try await store.getSecrets(plan.secrets.map { SecretVersionSelector(secretId: $0.name) }) } catch {
            throw MigrationError(store: error, "reading back \(target.name)'s store")
        }
        calls.readBacks += readBack.calls
        var mismatches: [Diagnostic] = []
        for secret in plan.secrets {
            let stored = readBack.secrets[SecretVersionSelector(secretId: secret.name)]
            guard let stored, Self.holds(stored, secret) else {
                mismatches.append(
                    Diagnostic(at: nil, "\(secret.name) does not read back with the value just written; no file was changed", rule: "migrate-read-back"))
                continue
            }
        }
        guard mismatches.isEmpty else { throw MigrationError(mismatches, isStoreFailure: true) }
        journal.state = .files
        try journal.save(root: root.path)
        request.afterStep?("journal: secrets read back")

        // Rewrite the files: none if one changed since the plan read it, and each only as planned.
        try Self.checkUnchanged(plan.files, written: 0)
        for (index, file) in plan.files.enumerated() {
            request.progress?("rewrite \(file.path)")
            let before: [UInt8]?
            let after: [UInt8]
            var mode = 0o644
            do {
                if let newText = file.newText {
                    try Self.checkUnchanged([file], written: index)
                    before = nil
                    after = Array(newText.utf8)
                    if let permissions = FileBytes.permissions(of: PlatformRoot.join(AtomicFile.parentDirectory(of: file.path), "appsettings.json")) {
                        mode = Int(permissions)
                    }
                } else {
                    // The bytes the plan read, else nothing is written: the edits were applied
                    // to those bytes, and tried, when the plan was made.
                    let bytes = try FileBytes.read(file.path, maxBytes: ReaderLimits.defaultMaxBytes)
                    guard MigrationJournal.digest(bytes) == file.planned, let rewritten = file.rewritten else { throw Self.changed(file.path, written: index) }
                    before = bytes
                    after = rewritten
                    if let permissions = FileBytes.permissions(of: file.path) { mode = Int(permissions) }
                }
                var entry = MigrationJournal.File(
                    path: file.path, before: before.map(MigrationJournal.digest), after: MigrationJournal.digest(after), mode: mode,
                    replacements: Self.replacements(file, before: before), added: file.added, removed: file.removed, written: false)
                journal.files.removeAll { $0.path == file.path && !$0.written }
                journal.files.append(entry)
                try journal.save(root: root.path)
                request.afterStep?("journal: before \(file.path)")
                try AtomicFile.write(after, to: file.path, mode: mode_t(mode), followingLinks: true)
                request.afterStep?("file: \(file.path)")
                entry.written = true
                journal.files[journal.files.count - 1] = entry
                try journal.save(root: root.path)
                request.afterStep?("journal: \(file.path)")
                report.wrote = true
            } catch let error as Diagnostic {
                throw MigrationError([error])
            } catch let error as MigrationError {
                throw error
            } catch {
                throw MigrationError([Diagnostic(at: SourceLocation(file: file.path, line: 1, column: 1, offset: 0), "\(error)", rule: "migrate-file")])
            }
        }
        journal.state = .done
        try journal.save(root: root.path)
        request.afterStep?("journal: done")

        // The end check: the target resolves every migrated key to the source's value.
        if request.endCheck, !plan.expected.isEmpty || !plan.sourceExpected.isEmpty {
            let (failures, checkCalls, storeFailed) = try await Self.endCheck(plan, root: root, store: store, sourceStore: sourceStore)
            report.endCheckFailures = failures
            report.endCheckStoreFailure = storeFailed
            calls.endCheck += checkCalls
        }
        report.calls = calls
        return report
    }

    // MARK: Steps

    static func open(_ request: MigrationRequest) throws(MigrationError) -> (PlatformRoot, EnvironmentDefinition, EnvironmentDefinition, [String]) {
        do throws(DiagnosticList) {
            let root = try PlatformRoot(path: request.root)
            let source = try root.environment(request.from)
            let target = try root.environment(request.to)
            guard source.name != target.name else {
                throw DiagnosticList([Diagnostic(at: nil, "--from and --to name the same environment (\(source.name))", rule: "migrate")])
            }
            var services: [String] = []
            for id in request.services { services.append(try root.service(id).id) }
            return (root, source, target, request.services.isEmpty ? root.catalogue.services.map(\.id) : services)
        } catch {
            throw MigrationError(error.diagnostics)
        }
    }

    /// What to do with a planned secret, given what the store holds.
    static func action(for secret: MigrationPlan.Secret, existing: StoredSecret?, updateExisting: Bool) -> MigrationPlan.Secret.Action {
        guard let existing else { return .create }
        let conflict: MigrationPlan.Secret.Action = updateExisting ? .update : .conflict
        guard case .string(let stored) = existing.payload else { return conflict }
        if let whole = secret.whole { return whole == stored ? .unchanged : conflict }
        guard let object = jsonObject(existing) else { return conflict }
        var missing = false
        for (key, value) in secret.keys {
            guard let current = object[key] else {
                missing = true
                continue
            }
            // A member that is not a string (a port, a flag) never equals a value read from a file.
            guard let text = current.stringValue, SecretValue(text) == value else { return conflict }
        }
        return missing ? .addKeys : .unchanged
    }

    /// A stored JSON secret's members, whatever their type (`nil` when it is not a JSON object):
    /// what an update merges the migrated keys over, so a member such as `"port": 5432` is kept.
    static func jsonObject(_ secret: StoredSecret?) -> [String: JSONValue]? {
        guard let secret, case .string(let value) = secret.payload else { return nil }
        return SortedJSON.object(value.unsafeRevealed)
    }

    /// Whether a stored secret holds every planned value.
    static func holds(_ stored: StoredSecret, _ secret: MigrationPlan.Secret) -> Bool {
        guard case .string(let value) = stored.payload else { return false }
        if let whole = secret.whole { return value == whole }
        guard let object = jsonObject(stored) else { return false }
        return secret.keys.allSatisfy { key in object[key.key]?.stringValue.map(SecretValue.init) == key.value }
    }

    /// The environment's tags, and what `rotate` and people need: kind, services, where from.
    static func tags(_ secret: MigrationPlan.Secret, source: EnvironmentDefinition, target: EnvironmentDefinition) -> [String: String] {
        var tags = target.tags ?? [:]
        tags["qsl:kind"] = secret.kind
        tags["qsl:migrated-from"] = source.name
        // What `rotate` regenerates of a generated JSON secret: the keys migrated into it,
        // space-separated, since AWS tag values allow no comma (rotate reads either).
        if secret.kind == "generated", !secret.jsonKeys.isEmpty { tags["qsl:generated-keys"] = secret.jsonKeys.joined(separator: " ") }
        func fit(_ text: String) -> String { text.count <= 256 ? text : String(text.prefix(252)) + " ..." }
        tags["qsl:services"] = fit(secret.services.joined(separator: " "))
        tags["qsl:source"] = fit(secret.sites.map { "\($0.file):\($0.location.line) \($0.key.spelling)" }.joined(separator: " "))
        return tags.mapValues { String($0.map { $0.isLetter || $0.isNumber || " _.:/=+-@".contains($0) ? $0 : "_" }) }
    }

    /// Throws when a file of the plan is not as the plan read it: edited since (its edits would
    /// land on other bytes, or overwrite the edit), or, for an overlay to create, there now.
    static func checkUnchanged(_ files: [MigrationPlan.File], written: Int) throws(MigrationError) {
        for file in files {
            if file.newText != nil {
                guard !FileBytes.exists(file.path), !AtomicFile.isSymbolicLink(file.path) else { throw changed(file.path, written: written) }
                continue
            }
            guard let bytes = try? FileBytes.read(file.path, maxBytes: ReaderLimits.defaultMaxBytes), MigrationJournal.digest(bytes) == file.planned else {
                throw changed(file.path, written: written)
            }
        }
    }

    static func changed(_ path: String, written: Int) -> MigrationError {
        let done = written == 0 ? "no file was rewritten" : "\(written) file\(written == 1 ? " was" : "s were") rewritten before it"
        return MigrationError([
            Diagnostic(
                at: SourceLocation(file: path, line: 1, column: 1, offset: 0),
                "this file changed while migrate ran, and is left as it is now (\(done)); run migrate again to plan from it", rule: "migrate-file")
        ])
    }

    /// Every edit of a file, in the rewritten file's offsets, with what undoes it: the reference
    /// to resolve for a value, the exact text for anything else.
    static func replacements(_ file: MigrationPlan.File, before: [UInt8]?) -> [MigrationJournal.Replacement] {
        guard let before else { return [] }
        var delta = 0
        var found: [MigrationJournal.Replacement] = []
        for edit in file.edits.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
            let length = edit.replacement.utf8.count
            var entry = MigrationJournal.Replacement(offset: edit.range.lowerBound + delta, length: length, key: "", reference: nil, original: nil)
            let original = before[edit.range]
            if edit.range.isEmpty {
                entry.original = ""
            } else if original.first == UInt8(ascii: "\""), !edit.replacement.isEmpty,
                let reference = try? JSONDocument(parsingAnyValue: Array(edit.replacement.utf8), file: file.path).root.stringValue
            {
                entry.reference = reference
            } else if edit.replacement.isEmpty || original.contains(UInt8(ascii: "\"")) {
                // A removed access key (a member, or an array element now `null`): not
                // restorable, and the journal keeps no string the file held.
                entry.original = nil
            } else {
                entry.original = String(decoding: original, as: UTF8.self)
            }
            found.append(entry)
            delta += length - edit.range.count
        }
        return found
    }

    /// Resolves every migrated key of every service of the plan in the target, and in the
    /// source (which reads the migrated secrets now, from its own store), and compares each with the value the source
    /// had; only those keys: references the migration did not make are not its to check.
    /// The end check's findings, its store calls, and whether the store failed (the findings
    /// then say so instead of comparing anything).
    ///
    /// - Parameter sourceStore: The source's own store (the target's when `nil`), which the source
    ///   reads its references from; a store that could not be opened is a store failure here.
    static func endCheck(
        _ plan: MigrationPlan, root: PlatformRoot, store: any SecretStore, sourceStore: Result<any SecretStore, StoreError>? = nil
    ) async throws(MigrationError) -> ([Diagnostic], Int, storeFailed: Bool) {
        var findings: [Diagnostic] = []
        var calls = 0
        for (environment, expected) in [(plan.target, plan.expected), (plan.source, plan.sourceExpected)] where !expected.isEmpty {
            var checked = store
            if environment.name == plan.source.name, let sourceStore {
                switch sourceStore {
                case .success(let opened): checked = opened
                case .failure(let error):
                    findings.append(
                        Diagnostic(at: nil, "end check (\(environment.name)): its store cannot be opened (\(error.message)), so it was not checked", rule: "migrate-end-check"))
                    return (findings, calls, error.isStoreFailure)
                }
            }
            let (found, made, storeFailed) = try await endCheck(plan, in: environment, expecting: expected, root: root, store: checked)
            findings += found
            calls += made
            if storeFailed { return (findings, calls, true) }
        }
        return (findings, calls, false)
    }

    /// ``endCheck(_:root:store:)`` in one environment.
    static func endCheck(
        _ plan: MigrationPlan, in environment: EnvironmentDefinition, expecting expected: [String: [ConfigKey: SecretValue]], root: PlatformRoot,
        store: any SecretStore
    ) async throws(MigrationError) -> ([Diagnostic], Int, storeFailed: Bool) {
        let services = plan.services.filter { expected[$0] != nil }
        var options: [ConfigurationOptions] = []
        do {
            for id in services {
                var option = try root.options(service: id, environment: environment, environmentVariables: [:], environmentIsLayer: false, store: store)
                option.loadsParameterStore = false
                options.append(option)
            }
        } catch {
            throw MigrationError(error.diagnostics)
        }
        func failed(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
            diagnostics.map { diagnostic in
                var copy = diagnostic
                copy.message = "end check (\(environment.name)): " + copy.message
                return copy
            }
        }
        let layered: [LayeredConfiguration]
        do { layered = try await ConfigurationLoader().layersAll(options).configurations } catch { return (failed(error.diagnostics), 0, false) }
        // Each service's migrated keys, with the prefix relative references need.
        let restricted = zip(services, layered).map { service, configuration in
            let keys = Set((expected[service] ?? [:]).keys).union([ReferenceScan.secretsPrefixKey])
            return LayeredConfiguration(layers: [ConfigurationLayer(name: "migrated keys", entries: configuration.sortedEntries.filter { keys.contains($0.key) })])
        }
        let resolved: [ResolvedConfiguration]
        let statistics: ReferenceResolver.Statistics
        do { (resolved, statistics) = try await ReferenceResolver(store: store, environmentVariables: [:]).resolveAll(restricted) } catch {
            // The store failing is not a finding about the values (exit 3, not 1): the migration
            // itself is done, its report still printed, and the check can be made again once the
            // store answers.
            if error.isStoreFailure {
                var diagnostics = failed(error.diagnostics)
                diagnostics.append(
                    Diagnostic(
                        at: nil,
                        "end check (\(environment.name)): the store failed, so the migrated values were not compared; the migration itself is done (secrets written, files rewritten): check \(environment.name) with qsl-config resolve --environment \(environment.name) once the store answers",
                        rule: "migrate-end-check"))
                return (diagnostics, 0, true)
            }
            return (failed(error.diagnostics), 0, false)
        }
        var failures: [Diagnostic] = []
        let had = environment.name == plan.source.name ? "it had before the migration" : "\(plan.source.name) had"
        for (service, configuration) in zip(services, resolved) {
            for (key, value) in expected[service] ?? [:] where configuration.string(key).map(SecretValue.init) != value {
                failures.append(
                    Diagnostic(
                        at: configuration[key]?.origin.location,
                        "end check (\(environment.name)): \(service) resolves '\(key)' in \(environment.name) to another value than \(had) (the values are not shown)",
                        rule: "migrate-end-check", keyPath: key.spelling))
            }
        }
        return (failures, statistics.secretCalls + statistics.parameterCalls, false)
    }
}
