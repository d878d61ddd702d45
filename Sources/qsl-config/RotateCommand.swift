import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfig
import QSLConfigAWS
import QSLConfigCore
import QSLConfigOperations
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

struct RotateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Rotate an environment's secrets with Secrets Manager's staging-label protocol, on a schedule or by hand.",
        discussion: """
            Each rotation stages the new value as AWSPENDING (its token is the new version id), \
            applies it at the resource, tests it, then moves AWSCURRENT to it with \
            RemoveFromVersionId naming the version that held it (the old one becomes AWSPREVIOUS) \
            and removes AWSPENDING. A run interrupted at any step resumes where it stopped: a \
            leftover AWSPENDING is finished, never generated again, by the next run, --due \
            included whatever the schedule (--check lists such a secret as due). A value that fails its test is \
            not promoted (exit 1). The kind comes from the secret's qsl:kind tag (migrate sets it), \
            else --kind: generated, iam-access-key, postgres, redis, external (never rotated here). \
            A secret is due when its AWSCURRENT version is older than the environment's intervalDays \
            for its kind. A secret put back by rollback is held (its qsl:rotation-hold tag): a run that \
            does not name it passes it by (exit 1 once it is overdue), --check lists it with the hold \
            named, and rotating it by --secret lifts the hold.

              qsl-config rotate --root . --environment production --check        # exit 1 when something is due
              qsl-config rotate --root . --environment production --due          # what a scheduler runs
              qsl-config rotate --root . --environment production --secret qsl/production/jwt

            Exit codes: 0 done or nothing due (a secret of no kind, or of a kind not rotated here, is \
            listed as unsupported); 1 something due under --check, or a rotation that failed (its \
            test, or a value it cannot rotate as it is: the report says why); 2 bad options, or an \
            environment or catalogue that cannot be read; 3 the store or AWS failed.
            """
    )

    @Option(help: ArgumentHelp("The platform root holding environments/.", valueName: "dir"))
    var root: String = "."

    @Option(help: ArgumentHelp("An environment of environments/.", valueName: "name"))
    var environment: String

    @Option(name: .customLong("secret"), help: ArgumentHelp("Rotate this secret (repeatable); all under the environment's prefix by default.", valueName: "name"))
    var secrets: [String] = []

    @Option(name: .customLong("service"), help: ArgumentHelp("Only secrets whose qsl:services tag names this service (repeatable).", valueName: "id"))
    var services: [String] = []

    @Option(name: .customLong("kind"), help: ArgumentHelp("Only secrets of this kind; the kind of a secret without a qsl:kind tag (repeatable).", valueName: "kind"))
    var kinds: [String] = []

    @Flag(help: "Rotate only what is due.")
    var due = false

    @Flag(help: "List what is due or overdue and when each falls due; rotate nothing. Exit 1 when anything is due.")
    var check = false

    @Flag(help: "Delete the inactive IAM keys earlier rotations left, once the policy's grace period (windowHours) has passed.")
    var finalize = false

    @Flag(name: .customLong("dry-run"), help: "Say what would be rotated; change nothing.")
    var dryRun = false

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Option(help: ArgumentHelp("How many secrets rotate at once.", valueName: "n"))
    var concurrency: Int = 4

    @OptionGroup var stores: StoreOptions

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    func validate() throws {
        if check && finalize { throw ValidationError("--check lists what is due; --finalize deletes old keys: pass one.") }
        if concurrency < 1 { throw ValidationError("--concurrency must be at least 1.") }
    }

    func run() async throws {
        let variables = ProcessInfo.processInfo.environment
        let stores = self.stores
        let platform: PlatformRoot
        do { platform = try PlatformRoot(path: root) } catch { throw error.exitCode }
        var request = RotationRequest(root: root, environment: environment) { definition throws(StoreError) in
            try stores.makeStore(platform: platform, environment: definition, variables: variables, awsOptionsChooseStore: false)
        }
        request.makeAWSContext = { definition in
            try AWSContext(
                profile: stores.aws.profile, region: stores.aws.region ?? definition.region,
                endpointURL: stores.aws.endpointURL ?? definition.store.endpointUrl, environment: variables)
        }
        request.secrets = secrets
        request.services = services
        request.kinds = kinds
        request.onlyDue = due
        request.mode = check ? .check : (finalize ? .finalize : .rotate)
        request.dryRun = dryRun
        request.concurrency = concurrency
        if isatty(2) == 1, format == .text { request.progress = { line in printError("rotate: \(line)") } }
        request.afterStep = FaultInjection.killAfterStep(variables)
        let report: RotationReport
        do {
            report = try await RotationOperation().run(request)
        } catch {
            throw fail([Diagnostic(at: nil, error.description, rule: "rotate")], status: error.isStoreFailure ? ExitStatus.awsFailure : ExitStatus.badInput)
        }
        printOutput(format == .json ? report.json() : report.text())
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
    }
}

/// Fault injection for the kill tests: `QSL_FAULT_KILL_AFTER_STEP=N` makes the process SIGKILL
/// itself right after the Nth step that changed something.
enum FaultInjection {
    static func killAfterStep(_ variables: [String: String]) -> (@Sendable (String) -> Void)? {
        guard let limit = variables["QSL_FAULT_KILL_AFTER_STEP"].flatMap(Int.init), limit > 0 else { return nil }
        let counter = StepCounter()
        return { _ in
            if counter.next() == limit { kill(getpid(), SIGKILL) }
        }
    }
}
