import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfig
import QSLConfigCore
import QSLConfigOperations
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Move every plaintext credential of an environment's files into a store, rewriting the files to reference it.",
        discussion: """
            Finds every credential the source environment's files hold (keys the schemas mark \
            writeOnly or named like credentials, passwords inside connection strings and URLs, API \
            keys in URLs, well-known token shapes), names a secret for each by the target \
            environment's naming rules (a reference the target already makes wins), writes them \
            into the target's store with its KMS key and tags, reads them back, then rewrites the \
            files in place: every byte but the values stays. Finally every service is resolved in \
            the target and must give the source's values. A journal under the root \
            (.qsl/migrate-journal.json, no values in it) lets a killed run resume and a finished one \
            be rolled back. Values are never printed.

              qsl-config migrate --root . --from smoke --to production --dry-run
              qsl-config migrate --root . --from smoke --to production

            Exit codes: 0 migrated or nothing to do; 1 conflicts, unmigratable findings or a failed \
            end check (nothing of theirs is changed); 2 bad input; 3 the store failed.
            """
    )

    @Option(help: ArgumentHelp("The platform root holding environments/.", valueName: "dir"))
    var root: String = "."

    @Option(name: .customLong("from"), help: ArgumentHelp("The environment whose files hold plaintext credentials (smoke).", valueName: "env"))
    var from: String?

    @Option(name: .customLong("to"), help: ArgumentHelp("The environment whose store receives them and whose naming rules name them (production).", valueName: "env"))
    var to: String?

    @Option(name: .customLong("service"), help: ArgumentHelp("Migrate only this service (repeatable); all of the catalogue by default.", valueName: "id"))
    var services: [String] = []

    @Flag(name: .customLong("dry-run"), help: "Print the plan (names, actions, the file and key of every occurrence) and write nothing.")
    var dryRun = false

    @Option(help: "Output format: text or json.")
    var format: MigrateFormat = .text

    @Flag(name: .customLong("update-existing"), help: "Where a secret exists with another value, put the value as a new version instead of stopping.")
    var updateExisting = false

    @Option(name: .customLong("include"), help: ArgumentHelp("Also migrate this key, found only for its entropy (Section:Key, repeatable).", valueName: "key"))
    var include: [String] = []

    @Flag(name: .customLong("no-end-check"), help: "Skip resolving every migrated service in the target afterwards.")
    var noEndCheck = false

    @Flag(help: "Restore the files of the last migration from its journal, reading the values back from the store.")
    var rollback = false

    @OptionGroup var stores: StoreOptions

    enum MigrateFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    func validate() throws {
        if !rollback {
            guard from != nil, to != nil else { throw ValidationError("Name the environments: --from ENV --to ENV (for example --from smoke --to production).") }
        }
    }

    func run() async throws {
        let variables = ProcessInfo.processInfo.environment
        let stores = self.stores
        let root = self.root
        let platform: PlatformRoot
        do { platform = try PlatformRoot(path: root) } catch { throw error.exitCode }
        let makeStore: @Sendable (EnvironmentDefinition) throws(StoreError) -> any SecretStore = { definition throws(StoreError) in
            try stores.makeStore(platform: platform, environment: definition, variables: variables)
        }
        if rollback {
            do {
                let outcome = try await MigrationRollback().run(root: root, makeStore: makeStore)
                printOutput(outcome.text())
            } catch {
                throw fail(error.diagnostics, status: error.isStoreFailure ? ExitStatus.awsFailure : ExitStatus.badInput)
            }
            return
        }
        var request = MigrationRequest(root: root, from: from!, to: to!, services: services, makeStore: makeStore)
        request.dryRun = dryRun
        request.updateExisting = updateExisting
        request.include = include
        request.endCheck = !noEndCheck
        if isatty(2) == 1, format == .text {
            request.progress = { line in printError("migrate: \(line)") }
        }
        request.afterStep = FaultInjection.killAfterStep(variables)
        let report: MigrationReport
        do {
            report = try await MigrationOperation().run(request)
        } catch {
            throw fail(error.diagnostics, status: error.isStoreFailure ? ExitStatus.awsFailure : ExitStatus.badInput)
        }
        printOutput(format == .json ? report.json() : report.text())
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
    }
}

/// Counts steps across the operation's tasks.
final class StepCounter: Sendable {
    private let count = Mutex(0)

    func next() -> Int {
        count.withLock { value in
            value += 1
            return value
        }
    }
}
