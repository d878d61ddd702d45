import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfig
import QSLConfigOperations
import QSLConfigCore

struct ResolveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Print a service's merged, resolved configuration.",
        discussion: """
            Layers DIR/appsettings.json, DIR/appsettings.{ENV}.json, the Parameter Store prefix \
            (when AWS:ParameterStorePrefix is set), the process environment and the arguments after \
            `--`, as ASP.NET Core does, then resolves every ${aws:...} and ${VAR} reference in one \
            batched pass. Secret values print as <redacted> unless --show-secrets.

            ENV comes from --environment, else DOTNET_ENVIRONMENT, else ASPNETCORE_ENVIRONMENT, else Production.
            """
    )

    @OptionGroup var source: ConfigSourceOptions

    @Option(help: "Output format: json, env or tree.")
    var format: OutputFormat = .json

    @Flag(help: "Print secret values instead of <redacted>.")
    var showSecrets = false

    @Flag(help: "Leave ${aws:...} references as written instead of resolving them.")
    var keepReferences = false

    @OptionGroup var stores: StoreOptions

    @Flag(
        name: .customLong("all-services"),
        help: "With --root and --environment: every service of the catalogue, resolved in one pass, as one JSON object keyed by service id.")
    var allServices = false

    @Argument(parsing: .postTerminator, help: ArgumentHelp("Command-line overrides after `--`: --Key=value, --Key value, /Key=value, Key=value.", valueName: "arg"))
    var overrides: [String] = []

    func validate() throws {
        guard allServices else { return }
        guard source.root != nil, source.service == nil else { throw ValidationError("--all-services needs --root and --environment, and no --service.") }
        guard format == .json else { throw ValidationError("--all-services prints JSON; drop --format \(format.rawValue).") }
    }

    func run() async throws {
        if allServices { return try await runAllServices() }
        let options = try source.options(
            environment: ProcessInfo.processInfo.environment, arguments: overrides, stores: stores, keepReferences: keepReferences)
        do {
            let resolved = try await ConfigurationLoader().load(options)
            printOutput(format.value.render(resolved, showSecrets: showSecrets))
        } catch {
            throw error.exitCode
        }
    }
}

extension ResolveCommand {
    func runAllServices() async throws {
        let variables = ProcessInfo.processInfo.environment
        let (ids, options) = try source.allServiceOptions(environment: variables, arguments: overrides, stores: stores, keepReferences: keepReferences)
        do {
            let (resolved, _) = try await ConfigurationLoader().loadAll(options)
            printOutput(ConfigurationFormat.jsonByService(Array(zip(ids, resolved)), showSecrets: showSecrets))
        } catch {
            throw error.exitCode
        }
    }
}

extension ConfigSourceOptions {
    /// The load options of every service of the catalogue under `--root`, all with one store.
    func allServiceOptions(
        environment variables: [String: String], arguments: [String], stores: StoreOptions, keepReferences: Bool
    ) throws(ExitCode) -> (ids: [String], options: [ConfigurationOptions]) {
        guard let root, let environment else {
            throw fail([Diagnostic(at: nil, "--all-services needs --root DIR and --environment ENV", rule: "usage")], status: ExitStatus.badInput)
        }
        return try Self.platformOptions(
            root: root, environment: environment, services: nil, variables: variables, arguments: arguments, stores: stores,
            keepReferences: keepReferences, compatibility: compat.value)
    }

    /// The load options of `services` (every service of the catalogue when `nil`) of the
    /// platform root in one environment, all with the one store that environment selects.
    static func platformOptions(
        root: String, environment: String, services: [String]?, variables: [String: String], arguments: [String], stores: StoreOptions,
        keepReferences: Bool, compatibility: AspNetCompatibility
    ) throws(ExitCode) -> (ids: [String], options: [ConfigurationOptions]) {
        do {
            let platform = try PlatformRoot(path: root)
            let definition = try platform.environment(environment)
            let store = keepReferences ? nil : try stores.makeStore(platform: platform, environment: definition, variables: variables)
            let ids = services ?? platform.catalogue.services.map(\.id)
            let options = try ids.map { (id: String) throws(DiagnosticList) -> ConfigurationOptions in
                try platform.options(
                    service: id, environment: definition, environmentVariables: variables, arguments: arguments, store: store,
                    keepAWSReferences: keepReferences, compatibility: compatibility)
            }
            return (ids, options)
        } catch let error as DiagnosticList {
            throw error.exitCode
        } catch let error as StoreError {
            throw fail([Diagnostic(at: nil, error.message, rule: "store")], status: ExitStatus.badInput)
        } catch {
            throw fail([Diagnostic(at: nil, "\(error)", rule: "usage")], status: ExitStatus.badInput)
        }
    }
}

/// Which service configuration to load: a folder (`--config-dir`), or a service of a platform
/// root (`--root`, `--service`, `--environment`).
struct ConfigSourceOptions: ParsableArguments {
    @Option(name: .customLong("config-dir"), help: ArgumentHelp("A service folder holding appsettings.json.", valueName: "dir"))
    var configDir: String?

    @Option(help: ArgumentHelp("A platform root holding environments/ and the catalogue's folders.", valueName: "dir"))
    var root: String?

    @Option(help: ArgumentHelp("With --root: the service id from environments/services.json.", valueName: "id"))
    var service: String?

    @Option(help: ArgumentHelp("With --config-dir: the ASP.NET environment name (appsettings.{ENV}.json). With --root: an environment of environments/.", valueName: "name"))
    var environment: String?

    @Option(help: "Follow .NET 9 (default) or .NET 10 configuration semantics: net9 or net10.")
    var compat: Compatibility = .net9

    func validate() throws {
        // Whether a source is named at all is checked in options(): exec --from-environment needs none.
        switch (configDir, root) {
        case (nil, nil): break
        case (.some, .some): throw ValidationError("Pass --config-dir or --root, not both.")
        case (nil, .some):
            // Whether --service is there is checked in options(): resolve --all-services needs none.
            guard environment != nil else { throw ValidationError("--root needs --environment (an environment of environments/).") }
        case (.some, nil):
            if service != nil { throw ValidationError("--service needs --root.") }
        }
    }

    /// The load options, with the store the options or the environment definition select.
    func options(
        environment variables: [String: String], arguments: [String], stores: StoreOptions, keepReferences: Bool = false
    ) throws(ExitCode) -> ConfigurationOptions {
        if let root, let service, let environment {
            return try Self.platformOptions(
                root: root, environment: environment, services: [service], variables: variables, arguments: arguments, stores: stores,
                keepReferences: keepReferences, compatibility: compat.value
            ).options[0]
        }
        if root != nil {
            throw fail([Diagnostic(at: nil, "--root needs --service ID", rule: "usage")], status: ExitStatus.badInput)
        }
        guard let configDir else {
            throw fail([Diagnostic(at: nil, "name the configuration: --config-dir DIR, or --root DIR --environment ENV --service ID", rule: "usage")], status: ExitStatus.badInput)
        }
        let store: (any SecretStore)?
        do { store = keepReferences ? nil : try stores.makeStore(environment: variables) } catch {
            throw fail([Diagnostic(at: nil, error.message, rule: "store")], status: ExitStatus.badInput)
        }
        return ConfigurationOptions(
            configDirectory: configDir, environmentName: environment, environmentVariables: variables, arguments: arguments,
            store: store, keepAWSReferences: keepReferences, compatibility: compat.value)
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case json, env, tree
    var value: ConfigurationFormat { ConfigurationFormat(rawValue: rawValue)! }
}

enum Compatibility: String, ExpressibleByArgument, CaseIterable {
    case net9, net10
    var value: AspNetCompatibility { self == .net9 ? .dotnet9 : .dotnet10 }
}
