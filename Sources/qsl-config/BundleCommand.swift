import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfig
import QSLConfigOperations
import QSLConfigCore

struct BundleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Write per-service configuration bundles for an environment: dotenv, json, ecs or k8s.",
        discussion: """
            One bundle per service of environments/services.json (all 22 by default), all resolved in \
            one pass: a secret shared by every service is fetched once. Output is byte-identical \
            from run to run, with OUTPUT/manifest.json holding the sha256 of every file. Nothing is \
            written unless every service builds.

              dotenv  OUTPUT/<id>/service.env          resolved values, docker --env-file syntax, mode 0600
              json    OUTPUT/<id>/config.json          the flat resolved map, mode 0600
              ecs     OUTPUT/<id>/container-definition.json and iam-policy.json: secrets as valueFrom \
            ARNs, never values, and the least-privilege policy that reads them; values with a reference \
            inside a longer string run under `qsl-config exec --from-environment --variable=NAME` as \
            the entrypoint
              k8s     OUTPUT/<id>/configmap.yaml and secret.yaml (mode 0600)

            With --check nothing is written: exit 1 when OUTPUT differs from what would be written \
            (a missing, changed or extra file, a wrong file or folder mode, a temporary file left by \
            an interrupted run). Each file is replaced atomically, the manifest last; a run that is \
            killed can leave services of both runs, which --check reports and the next run repairs, \
            removing the leftovers first.
            """
    )

    @Option(help: ArgumentHelp("The platform root holding environments/.", valueName: "dir"))
    var root: String = "."

    @Option(help: ArgumentHelp("The environment of environments/ to bundle for.", valueName: "name"))
    var environment: String

    @Option(name: .customLong("service"), help: ArgumentHelp("A service id (repeatable); all services when omitted.", valueName: "id"))
    var services: [String] = []

    @Option(help: "Bundle format: dotenv, json, ecs or k8s.")
    var format: BundleFormatArgument

    @Option(help: ArgumentHelp("The folder to write bundles into.", valueName: "dir"))
    var output: String

    @Flag(help: "Compare OUTPUT with what would be written; exit 1 on drift, write nothing.")
    var check = false

    @Option(help: "Follow .NET 9 (default) or .NET 10 configuration semantics: net9 or net10.")
    var compat: Compatibility = .net9

    @OptionGroup var stores: StoreOptions

    func run() async throws {
        let variables = ProcessInfo.processInfo.environment
        let operation: BundleOperation
        do {
            let platform = try PlatformRoot(path: root)
            let definition = try platform.environment(environment)
            let store = try stores.makeStore(platform: platform, environment: definition, variables: variables)
            operation = BundleOperation(
                root: platform, environment: definition, store: store, format: format.value, environmentVariables: variables,
                compatibility: compat.value)
        } catch let error as DiagnosticList {
            throw error.exitCode
        } catch let error as StoreError {
            throw fail([Diagnostic(at: nil, error.message, rule: "store")], status: ExitStatus.badInput)
        }
        let result: BundleOperation.Result
        do {
            result = try await operation.build(services: services)
        } catch {
            throw error.exitCode
        }
        for warning in result.warnings { printError(warning.description) }
        if check {
            let drift = result.drift(in: output)
            guard drift.isEmpty else {
                for item in drift { printError("\(PlatformRoot.join(output, item.description))") }
                printError("\(output): \(drift.count) file(s) differ from what `qsl-config bundle` would write; run it without --check to update them")
                throw ExitCode(ExitStatus.findings)
            }
            printOutput("\(output): \(result.services.count) \(format.rawValue) bundles for \(result.environment) are up to date\n")
            return
        }
        let notes: [String]
        do { notes = try result.write(to: output, afterStep: FaultInjection.killAfterStep(variables)) } catch { throw error.exitCode }
        for note in notes { printError("qsl-config bundle: \(note)") }
        printOutput("wrote \(result.services.count) \(format.rawValue) bundles for \(result.environment) (\(result.allFiles.count) files) to \(output); \(Self.cost(result.statistics, format: format.value))\n")
    }

    /// What the run cost, in one clause.
    static func cost(_ statistics: BundleOperation.Statistics, format: BundleFormat) -> String {
        let references = "\(statistics.uniqueSecrets) secrets and \(statistics.uniqueParameters) parameters referenced"
        if format == .ecs {
            return "\(references); ARNs from \(statistics.secretListings) listing(s) and \(statistics.secretDescribes) describe(s), parameters checked in \(statistics.parameterChecks) call(s) without decryption, no secret value read"
        }
        return "\(references), resolved in one pass of \(statistics.storeCalls) store call(s)"
    }
}

enum BundleFormatArgument: String, ExpressibleByArgument, CaseIterable {
    case dotenv, json, ecs, k8s
    var value: BundleFormat { BundleFormat(rawValue: rawValue)! }
}
