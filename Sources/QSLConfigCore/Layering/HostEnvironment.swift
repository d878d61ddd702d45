/// How ASP.NET Core picks the environment name, and with it `appsettings.{Environment}.json`.
public enum HostEnvironment {
    /// Which host builder's rules to follow; they differ in which variables they read.
    public enum Builder: String, Sendable, CaseIterable {
        /// `Host.CreateApplicationBuilder`: `DOTNET_ENVIRONMENT`, then `--environment`.
        case hostApplication = "HostApplicationBuilder"
        /// `WebApplication.CreateBuilder`: `ASPNETCORE_ENVIRONMENT`, then `DOTNET_ENVIRONMENT`,
        /// then `--environment`.
        case webApplication = "WebApplicationBuilder"
        /// `ConfigureWebHostDefaults` / `WebHost`: `ASPNETCORE_ENVIRONMENT` beats `DOTNET_ENVIRONMENT`.
        case webHost = "ConfigureWebHostDefaults/WebHost"
    }

    /// The name used when nothing sets one.
    public static let defaultName = "Production"

    /// The environment name a host would use. The name is used verbatim in the file name, so
    /// `development` does not load `appsettings.Development.json` on a case-sensitive file system.
    public static func name(
        builder: Builder = .webApplication,
        environment: [String: String],
        arguments: [String] = []
    ) -> String {
        let prefixes: [String] =
            switch builder {
            case .hostApplication: ["DOTNET_"]
            case .webApplication: ["ASPNETCORE_", "DOTNET_"]
            case .webHost: ["DOTNET_", "ASPNETCORE_"]
            }
        var host = LayeredConfiguration()
        for prefix in prefixes {
            host.add(.environment(environment, prefix: prefix))
        }
        if let arguments = try? ConfigurationLayer.commandLine(arguments) {
            host.add(arguments)
        }
        guard let value = host["environment"] else { return defaultName }
        return value ?? defaultName
    }

    /// The JSON files a host loads for an environment, in order.
    public static func jsonFiles(forEnvironment name: String) -> [String] {
        ["appsettings.json", "appsettings.\(name).json"]
    }
}
