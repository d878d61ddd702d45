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

struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Put a secret's previous version back as AWSCURRENT, or a parameter's previous value back as a new version.",
        discussion: """
            --secret moves AWSCURRENT back to the AWSPREVIOUS version (with RemoveFromVersionId, so \
            a concurrent change makes it fail rather than be lost); the version that was current \
            becomes AWSPREVIOUS, so a rollback can itself be rolled back. For an IAM access key the \
            old key is reactivated first. The secret is then held (its qsl:rotation-hold tag says \
            when): a rotate run that does not name it passes it by (its old version would be due at \
            once), until rotate --secret NAME rotates it and lifts the hold. --parameter writes the previous version's value of a \
            Parameter Store parameter as a new version and prints the version numbers.

              qsl-config rollback --root . --environment production --secret qsl/production/jwt
            """
    )

    @Option(help: ArgumentHelp("The platform root holding environments/.", valueName: "dir"))
    var root: String = "."

    @Option(help: ArgumentHelp("An environment of environments/.", valueName: "name"))
    var environment: String

    @Option(name: .customLong("secret"), help: ArgumentHelp("A secret to roll back (repeatable).", valueName: "name"))
    var secrets: [String] = []

    @Option(name: .customLong("parameter"), help: ArgumentHelp("A parameter to roll back (repeatable).", valueName: "name"))
    var parameters: [String] = []

    @OptionGroup var stores: StoreOptions

    func validate() throws {
        if secrets.isEmpty && parameters.isEmpty { throw ValidationError("Name what to roll back: --secret NAME or --parameter NAME.") }
    }

    func run() async throws {
        let variables = ProcessInfo.processInfo.environment
        let platform: PlatformRoot
        let definition: EnvironmentDefinition
        let store: any SecretStore
        do {
            platform = try PlatformRoot(path: root)
            definition = try platform.environment(environment)
            store = try stores.makeStore(platform: platform, environment: definition, variables: variables, awsOptionsChooseStore: false)
        } catch let error as DiagnosticList {
            throw error.exitCode
        } catch let error as StoreError {
            throw fail([Diagnostic(at: nil, error.message, rule: "store")], status: ExitStatus.badInput)
        }
        let stores = self.stores
        let operation = RollbackOperation(store: store, definition: definition) {
            try AWSContext(
                profile: stores.aws.profile, region: stores.aws.region ?? definition.region,
                endpointURL: stores.aws.endpointURL ?? definition.store.endpointUrl, environment: variables)
        }
        var status: Int32 = 0
        for name in secrets {
            do {
                let outcome = try await operation.secret(name)
                printOutput("rolled back \(name): AWSCURRENT is version \(outcome.to) again (was \(outcome.from), now AWSPREVIOUS)\n")
                if let pending = outcome.withdrawnPending {
                    printOutput("  withdrew AWSPENDING from version \(pending), so that no rotation resumes it\n")
                }
                printOutput("  held: only a run that names it rotates it: qsl-config rotate --secret \(name) rotates it and lifts the hold\n")
            } catch {
                printError("qsl-config rollback: \(error.description)")
                status = max(status, error.isStoreFailure ? ExitStatus.awsFailure : ExitStatus.badInput)
            }
        }
        for name in parameters {
            do {
                let outcome = try await operation.parameter(name)
                printOutput("rolled back \(name): version \(outcome.newVersion) holds version \(outcome.to)'s value (was version \(outcome.from))\n")
            } catch {
                printError("qsl-config rollback: \(error.description)")
                status = max(status, error.isStoreFailure ? ExitStatus.awsFailure : ExitStatus.badInput)
            }
        }
        if status != 0 { throw ExitCode(status) }
    }
}
