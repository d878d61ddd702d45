import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfig
import QSLConfigOperations
import QSLConfigCore

struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Write a seed file's fake secrets and parameters into an environment's store (development only).",
        discussion: """
            Reads FILE ({"secrets": {NAME: "text" or {KEY: VALUE}}, "parameters": {NAME: "text"}}), \
            checks every name lies under the environment's prefixes, then creates or updates only \
            what differs, so running it again writes nothing. The store is the one \
            environments/ENV.json names (for development, the embedded local store under the root), \
            unless --store/--local-store/--endpoint-url say otherwise. Values are never printed.

              qsl-config seed --root . --environment development --from platform/dev-seed.json
            """
    )

    @Option(help: ArgumentHelp("The platform root holding environments/.", valueName: "dir"))
    var root: String = "."

    @Option(help: ArgumentHelp("An environment of environments/ that allows plaintext secrets (development).", valueName: "name"))
    var environment: String

    @Option(name: .customLong("from"), help: ArgumentHelp("The seed file.", valueName: "file"))
    var seedFile: String

    @OptionGroup var stores: StoreOptions

    func run() async throws {
        let variables = ProcessInfo.processInfo.environment
        let seed: StoreSeed
        let definition: EnvironmentDefinition
        let store: any SecretStore
        do {
            let platform = try PlatformRoot(path: root)
            definition = try platform.environment(environment)
            guard definition.allowsPlainSecrets else {
                throw fail(
                    [Diagnostic(at: nil, "environment \(definition.name) does not allow plaintext secrets, so it cannot be seeded with fake values; seed a development environment, or write real secrets with `qsl-config secret put`", rule: "seed")],
                    status: ExitStatus.badInput)
            }
            seed = try StoreSeed(file: seedFile)
            store = try stores.makeStore(platform: platform, environment: definition, variables: variables)
        } catch let error as DiagnosticList {
            throw error.exitCode
        } catch let error as StoreError {
            throw fail([Diagnostic(at: nil, error.message, rule: "store")], status: ExitStatus.badInput)
        }
        let outcome: StoreSeed.Outcome
        do {
            outcome = try await seed.apply(to: store, environment: definition)
        } catch {
            throw error.exitCode
        }
        printOutput(
            "seeded \(store.storeDescription) for \(definition.name): \(seed.secrets.count) secrets (\(outcome.secretsCreated.count) created, "
                + "\(outcome.secretsUpdated.count) updated, \(outcome.secretsUnchanged.count) unchanged), \(seed.parameters.count) parameters "
                + "(\(outcome.parametersWritten.count) written, \(outcome.parametersUnchanged.count) unchanged)\n")
    }
}
