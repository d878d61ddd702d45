import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfig
import QSLConfigOperations
import QSLConfigCore

/// `qsl-config validate`: the CI step that refuses a configuration change that would break a
/// service or leak a credential.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate services' configuration against their schemas and the platform's policies.",
        discussion: """
            Catalogue mode (--root DIR --environment ENV [--service ID]...) validates every service \
            environments/services.json lists, or the ones named; directory mode (--config-dir DIR \
            --schema FILE [--environment ENV]) validates one service folder.

            For each service: every file layer is parsed, the merged configuration is validated \
            against the schema, and the policies apply: no plaintext value in a writeOnly key outside \
            Development, every reference well formed, of a known kind and under the environment's \
            prefix, alternative spellings reported as warnings. --remote also checks that every \
            referenced secret and parameter exists (DescribeSecret, GetParameters without \
            decryption; no value is read). Validating the whole catalogue also reports folders \
            of appsettings files the catalogue does not list (catalogue-unlisted), and in \
            development every reference the development seed file does not cover (seed-missing). \
            The environment of this process is not a layer; \
            --env-file adds one explicitly. Reports never show a secret key's value.

            Exit codes: 0 clean (warnings allowed), 1 findings, 2 unusable input (usage, a file that \
            does not parse, a schema that does not compile), 3 the store failed during --remote.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, github, junit, sarif
        var value: ValidationReportFormat { ValidationReportFormat(rawValue: rawValue)! }
    }

    @Option(help: ArgumentHelp("Catalogue mode: a platform root holding environments/ and the catalogue's folders.", valueName: "dir"))
    var root: String?

    @Option(help: ArgumentHelp("With --root: an environment of environments/. With --config-dir: the ASP.NET environment name (default Production).", valueName: "name"))
    var environment: String?

    @Option(name: .customLong("service"), help: ArgumentHelp("With --root: validate only this service (repeatable).", valueName: "id"))
    var services: [String] = []

    @Option(name: .customLong("config-dir"), help: ArgumentHelp("Directory mode: a service folder holding appsettings.json.", valueName: "dir"))
    var configDir: String?

    @Option(help: ArgumentHelp("With --config-dir: the service's JSON Schema.", valueName: "file"))
    var schema: String?

    @Option(
        name: .customLong("schema-root"),
        help: ArgumentHelp("With --schema: the folder the schema's $refs may read files from (default: the schema's own folder).", valueName: "dir"))
    var schemaRoot: String?

    @Option(name: .customLong("env-file"), help: ArgumentHelp("An environment file (NAME=VALUE lines) layered above the appsettings files (repeatable).", valueName: "file"))
    var envFiles: [String] = []

    @Option(name: .customLong("secrets-prefix"), help: ArgumentHelp("The environment's secrets prefix (default: the environment's, or in directory mode AWS:SecretsManagerPrefix).", valueName: "prefix"))
    var secretsPrefix: String?

    @Option(name: .customLong("parameter-prefix"), help: ArgumentHelp("The environment's parameter prefix (default: the environment's, or in directory mode AWS:ParameterStorePrefix).", valueName: "prefix"))
    var parameterPrefix: String?

    @Flag(help: "Check that every referenced secret and parameter exists, with metadata calls only.")
    var remote = false

    @Option(help: "Output format: text, json, github, junit or sarif.")
    var format: Format = .text

    @Option(help: "Follow .NET 9 (default) or .NET 10 configuration semantics: net9 or net10.")
    var compat: Compatibility = .net9

    @OptionGroup var stores: StoreOptions

    func validate() throws {
        switch (root, configDir) {
        case (nil, nil):
            throw ValidationError("Name what to validate: --root DIR --environment ENV, or --config-dir DIR --schema FILE.")
        case (.some, .some):
            throw ValidationError("Pass --root (catalogue mode) or --config-dir (directory mode), not both.")
        case (.some, nil):
            guard environment != nil else { throw ValidationError("--root needs --environment (an environment of environments/).") }
            if schema != nil { throw ValidationError("--schema needs --config-dir; with --root the catalogue names each service's schema.") }
            if schemaRoot != nil { throw ValidationError("--schema-root needs --config-dir; with --root the schemas' references stay inside the root.") }
        case (nil, .some):
            guard schema != nil else { throw ValidationError("--config-dir needs --schema FILE.") }
            if !services.isEmpty { throw ValidationError("--service needs --root.") }
        }
    }

    func run() async throws {
        let target: QSLConfigOperations.ValidationRequest.Target =
            if let root { .catalogue(root: root, environment: environment!, services: services) }
            else { .directory(path: configDir!, schema: schema!, environment: environment) }
        let stores = self.stores
        let root = self.root
        var request = QSLConfigOperations.ValidationRequest(
            target, environmentFiles: envFiles, secretsPrefix: secretsPrefix, parameterPrefix: parameterPrefix, compatibility: compat.value)
        request.schemaRoot = schemaRoot
        if remote {
            // The process environment configures AWS access only; it is never a layer.
            let variables = ProcessInfo.processInfo.environment
            request.remoteStore = { (definition: EnvironmentDefinition?) throws(StoreError) -> any SecretStore in
                guard let root, let definition else { return try stores.makeStore(environment: variables) }
                do {
                    return try stores.makeStore(platform: try PlatformRoot(path: root), environment: definition, variables: variables)
                } catch let error as StoreError {
                    throw error
                } catch {
                    throw StoreError(.invalidRequest, "\(error)")
                }
            }
        }
        let report: ValidationReport
        do {
            report = try await ValidationOperation().run(request)
        } catch {
            throw fail(error.diagnostics, status: error.isStoreFailure ? ExitStatus.awsFailure : ExitStatus.badInput)
        }
        printOutput(format.value.render(report, toolVersion: QSLConfigVersion.current))
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
    }
}
