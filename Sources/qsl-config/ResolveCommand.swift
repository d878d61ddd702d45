import ArgumentParser
import Foundation
import QSLConfig
import QSLConfigCore

struct ResolveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Print a service's merged, resolved configuration.",
        discussion: """
            Layers DIR/appsettings.json, DIR/appsettings.{ENV}.json, the process environment and the \
            arguments after `--`, as ASP.NET Core does, then substitutes ${VAR} references. \
            Secret values print as <redacted> unless --show-secrets.

            ENV comes from --environment, else DOTNET_ENVIRONMENT, else ASPNETCORE_ENVIRONMENT, else Production.
            """
    )

    @Option(name: .customLong("config-dir"), help: ArgumentHelp("The service's folder holding appsettings.json.", valueName: "dir"))
    var configDir: String

    @Option(help: ArgumentHelp("The environment name, used verbatim in appsettings.{ENV}.json.", valueName: "name"))
    var environment: String?

    @Option(help: "Output format: json, env or tree.")
    var format: OutputFormat = .json

    @Flag(help: "Print secret values instead of <redacted>.")
    var showSecrets = false

    @Flag(help: "Leave ${aws:...} references as written instead of resolving them.")
    var keepReferences = false

    @Option(help: "Follow .NET 9 (default) or .NET 10 configuration semantics: net9 or net10.")
    var compat: Compatibility = .net9

    @Argument(parsing: .postTerminator, help: ArgumentHelp("Command-line overrides after `--`: --Key=value, --Key value, /Key=value.", valueName: "arg"))
    var overrides: [String] = []

    func run() async throws {
        let environmentVariables = ProcessInfo.processInfo.environment
        let name = environment ?? HostEnvironment.name(builder: .webApplication, environment: environmentVariables, arguments: overrides)
        let directory = AppsettingsDirectory(path: configDir, compatibility: compat.value)
        let layered: LayeredConfiguration
        do {
            layered = try directory.load(environment: name, environmentVariables: environmentVariables, arguments: overrides)
        } catch {
            throw error.exitCode
        }
        let resolver = ReferenceResolver(store: nil, environmentVariables: environmentVariables, keepAWSReferences: keepReferences)
        do {
            let resolved = try await resolver.resolve(layered)
            printOutput(format.value.render(resolved, showSecrets: showSecrets))
        } catch {
            throw error.exitCode
        }
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
