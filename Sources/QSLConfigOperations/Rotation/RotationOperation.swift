#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfig
import QSLConfigCore

/// `qsl-config rotate` as a library call: the secrets of an environment, each by its kind's
/// strategy, through Secrets Manager's staging-label protocol (``SecretRotation``), on a
/// schedule.
///
/// **Which secrets.** The named ones, else every secret under the environment's prefix, narrowed
/// by `qsl:services` and kind. A secret's kind is its `qsl:kind` tag (`migrate` sets it), else
/// the first `--kind`. `external` secrets (third-party keys) are never rotated here: `--check`
/// lists them when overdue, to be rotated at the provider and then written with `qsl-config
/// secret put`.
///
/// **When.** A secret is due when its `AWSCURRENT` version's creation date plus the
/// environment's `intervalDays` for its kind has passed, overdue once `windowHours` more have.
/// The version's creation date is the record: `LastRotatedDate` does not move for rotations made
/// outside Lambda. A rotation that stopped part-way (an `AWSPENDING` label, or an IAM key's
/// `qsl:rotation-snapshot` tag not yet emptied) is due whatever the schedule says. A kind whose
/// policy says `"enabled": false` is not rotated. A secret rolled back (its `qsl:rotation-hold`
/// tag, written by ``SecretRollback``) is held: every run but one that names it (`--secret`)
/// passes it by (status `held`; exit 1 once it is overdue), `--check` lists it as the schedule
/// has it with the hold named, and a run that names it rotates it and lifts the hold.
///
/// **Fleet.** Up to `concurrency` secrets rotate at once; one that fails leaves the others done
/// and is listed in the report.
public struct RotationOperation: Sendable {
    public init() {}

    /// The kinds this version rotates.
    static let rotatable: Set<String> = ["generated", "iam-access-key", "redis", "postgres"]
    static let kinds: Set<String> = ["generated", "iam-access-key", "postgres", "redis", "external"]

    public func run(_ request: RotationRequest) async throws(RotationError) -> RotationReport {
        let definition: EnvironmentDefinition
        do { definition = try PlatformRoot(path: request.root).environment(request.environment) } catch {
            throw RotationError(secret: request.environment, step: .plan, error.diagnostics.map(\.description).joined(separator: "\n"))
        }
        for kind in request.kinds where !Self.kinds.contains(kind) {
            throw RotationError(secret: kind, step: .plan, "unknown kind; the kinds are \(Self.kinds.sorted().joined(separator: ", "))")
        }
        let store: any SecretStore
        do { store = try request.makeStore(definition) } catch { throw RotationError(secret: definition.name, step: .plan, store: error) }

        // Which secrets, with their tags.
        var descriptions: [SecretDescription] = []
        do {
            if request.secrets.isEmpty {
                descriptions = try await store.listSecrets(prefix: definition.secretsPrefix)
            } else {
                for name in request.secrets { descriptions.append(try await store.describeSecret(name)) }
            }
        } catch {
            throw RotationError(secret: request.secrets.first ?? definition.secretsPrefix, step: .plan, store: error)
        }
        descriptions.sort { $0.name < $1.name }
        // A secret named twice (or by its name and its ARN) is rotated once: two runs of one
        // secret in one process would race for its labels.
        var named: Set<String> = []
        descriptions.removeAll { !named.insert($0.name).inserted }
        // The secrets the request names (by name, ARN or partial ARN: each as the store found it).
        let namedByRequest = request.secrets.isEmpty ? [] : named

        var entries: [RotationReport.Entry] = []
        var targets: [(index: Int, target: RotationTarget)] = []
        for description in descriptions {
            let tagged = description.tags["qsl:kind"]
            if let tagged, !request.kinds.isEmpty, !request.kinds.contains(tagged) { continue }
            if !request.services.isEmpty {
                let services = Set((description.tags["qsl:services"] ?? "").split(separator: " ").map(String.init))
                guard !services.isDisjoint(with: request.services) else { continue }
            }
            var entry = RotationReport.Entry(name: description.name, kind: tagged ?? request.kinds.first, status: .notDue)
            guard let kind = entry.kind else {
                entry.status = .unsupported
                entry.message = "no qsl:kind tag; tag it (migrate does) or pass --kind"
                entries.append(entry)
                continue
            }
            let policy = definition.rotation?[kind]
            // The schedule, from the AWSCURRENT version's creation date.
            var currentVersion: String?
            // A rotation that stopped part-way (AWSPENDING left, or an IAM key snapshot not
            // cleared) is finished by the next run whatever the schedule says: the new version
            // it may have promoted is not due, and its leftovers must not wait for a month.
            var interrupted = kind == "iam-access-key" && IAMKeyStrategy.isInterrupted(tags: description.tags)
            do {
                let versions = try await store.listSecretVersions(description.name)
                if versions.contains(where: { $0.stages.contains("AWSPENDING") }) { interrupted = true }
                let current = versions.first { $0.stages.contains("AWSCURRENT") }
                currentVersion = current?.versionId
                if let created = current?.createdDate {
                    entry.currentCreated = Date(timeIntervalSince1970: created)
                    if let days = policy?.intervalDays { entry.dueDate = entry.currentCreated!.addingTimeInterval(Double(days) * 86_400) }
                }
            } catch {
                entry.status = .failed
                entry.message = error.message
                entry.isStoreFailure = error.isStoreFailure
                entries.append(entry)
                continue
            }
            let due = entry.dueDate.map { $0 <= request.now } ?? (policy == nil ? false : true)
            let overdue = entry.dueDate.map { $0.addingTimeInterval(Double(policy?.windowHours ?? 0) * 3_600) <= request.now } ?? false
            if policy?.enabled == false {
                entry.status = .disabled
                entry.message = "rotation of \(kind) secrets is off in \(definition.name)"
            } else if kind == "external" {
                entry.status = due ? (overdue ? .overdue : .due) : .external
                entry.message = "a third-party key: rotate it at its provider, then qsl-config secret put \(description.name)"
            } else if request.mode == .check {
                entry.status = due ? (overdue ? .overdue : .due) : (interrupted ? .due : .notDue)
                if interrupted {
                    entry.message = "a rotation was interrupted; the next rotate (--due included) finishes it"
                } else if let hold = SecretRollback.hold(in: description.tags) {
                    entry.message = Self.heldMessage(hold, name: description.name)
                }
            } else if request.mode == .finalize {
                entry.status = .notDue
                if kind == "iam-access-key" { targets.append((entries.count, RotationTarget(name: description.name, kind: kind, tags: description.tags, policy: policy, currentVersionId: currentVersion))) }
            } else if !Self.rotatable.contains(kind) {
                entry.status = .unsupported
                entry.message = "rotation of \(kind) secrets at the resource is not in this version; nothing was changed"
            } else if request.onlyDue && !due && !interrupted {
                entry.status = .notDue
            } else if !interrupted, let hold = SecretRollback.hold(in: description.tags), !namedByRequest.contains(description.name) {
                // Held: only a run that names it (`--secret`) rotates it and lifts the hold; the
                // schedule and runs over the whole environment, a service or a kind pass it by.
                entry.status = .held
                entry.heldOverdue = overdue
                entry.message = Self.heldMessage(hold, name: description.name) + (overdue ? "; it is overdue" : "")
            } else if request.dryRun {
                entry.status = .wouldRotate
            } else {
                targets.append(
                    (
                        entries.count,
                        RotationTarget(
                            name: description.name, kind: kind, tags: description.tags, policy: policy, currentVersionId: currentVersion,
                            isDue: due || !request.onlyDue, recordsKind: tagged == nil)
                    ))
            }
            entries.append(entry)
        }

        // Rotate, a bounded number at once.
        let lockDirectory = (store as? LocalSecretStore).map { AtomicFile.parentDirectory(of: $0.path) }
        let strategies = try makeStrategies(request, definition: definition, store: store, needsIAM: targets.contains { $0.target.kind == "iam-access-key" })
        let results = await withTaskGroup(of: (Int, RotationReport.Entry).self) { group in
            var running = 0
            var results: [(Int, RotationReport.Entry)] = []
            for (index, target) in targets {
                if running >= max(1, request.concurrency), let result = await group.next() {
                    results.append(result)
                    running -= 1
                }
                var entry = entries[index]
                group.addTask {
                    let lock = lockDirectory.flatMap { SecretLock(directory: $0, secret: target.name) }
                    defer { withExtendedLifetime(lock) {} }
                    guard let strategy = strategies[target.kind] else {
                        entry.status = .unsupported
                        entry.message = "no way to rotate \(target.kind) secrets is configured"
                        return (index, entry)
                    }
                    do throws(RotationError) {
                        if request.mode == .finalize {
                            entry.message = try await strategy.finalize(target: target, now: request.now, dryRun: request.dryRun)
                            entry.status = request.dryRun ? .wouldFinalize : .finalized
                            return (index, entry)
                        }
                        let rotation = SecretRotation(store: store, strategy: strategy.rotation, afterStep: request.afterStep, progress: request.progress)
                        let outcome = try await rotation.run(target)
                        entry.status = outcome.status
                        entry.newVersionId = outcome.newVersionId
                        entry.message = outcome.message
                        if [.rotated, .resumed].contains(outcome.status), SecretRollback.hold(in: target.tags) != nil {
                            do throws(StoreError) {
                                try await store.tagSecret(target.name, tags: [SecretRollback.holdTag: ""])
                            } catch let failure {
                                let note = "the hold from its rollback could not be lifted (\(failure.message)), so the schedule still skips it"
                                entry.message = outcome.message.map { "\($0); \(note)" } ?? note
                                entry.isStoreFailure = failure.isStoreFailure
                            }
                        }
                    } catch {
                        entry.status = error.isTestFailure ? .testFailed : .failed
                        entry.message = "\(error.step.rawValue) failed: \(error.message)"
                        entry.isStoreFailure = error.isStoreFailure
                    }
                    return (index, entry)
                }
                running += 1
            }
            for await result in group { results.append(result) }
            return results
        }
        for (index, entry) in results { entries[index] = entry }
        return RotationReport(environment: definition.name, mode: request.mode, dryRun: request.dryRun, entries: entries)
    }

    /// What a held secret's entry says: since when, and how to lift the hold.
    static func heldMessage(_ hold: String, name: String) -> String {
        "held since it was \(hold): only a run that names it rotates it; qsl-config rotate --secret \(name) rotates it and lifts the hold"
    }

    /// A kind's strategy, and what `--finalize` does for it (with `dryRun`: says what it would
    /// do, and changes nothing).
    struct KindStrategy: Sendable {
        var rotation: any RotationStrategy
        var finalize: @Sendable (RotationTarget, Date, _ dryRun: Bool) async throws(RotationError) -> String
        func finalize(target: RotationTarget, now: Date, dryRun: Bool) async throws(RotationError) -> String { try await finalize(target, now, dryRun) }
    }

    func makeStrategies(_ request: RotationRequest, definition: EnvironmentDefinition, store: any SecretStore, needsIAM: Bool) throws(RotationError) -> [String: KindStrategy] {
        var strategies: [String: KindStrategy] = [
            "generated": KindStrategy(rotation: GeneratedStrategy(store: store)) { _, _, _ throws(RotationError) in "nothing to finalize" },
            "redis": KindStrategy(rotation: RedisStrategy(store: store)) { _, _, _ throws(RotationError) in "nothing to finalize" },
            "postgres": KindStrategy(rotation: PostgresStrategy(store: store)) { _, _, _ throws(RotationError) in "nothing to finalize" },
        ]
        if needsIAM, let iam = try IAMKeyStrategy.make(request, definition: definition, store: store) { strategies["iam-access-key"] = iam }
        return strategies
    }
}
