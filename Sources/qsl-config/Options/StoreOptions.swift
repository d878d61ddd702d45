import ArgumentParser
import QSLConfig
import QSLConfigOperations

/// `--store`, `--local-store` and the AWS options, shared by every command that reads secrets.
struct StoreOptions: ParsableArguments {
    @Option(help: "Where secrets live: aws, local (the embedded store) or auto (aws when AWS is configured, else local; with --root, what the environment names).")
    var store: StoreKindArgument?

    @Option(name: .customLong("local-store"), help: ArgumentHelp("The embedded store's file (default .qsl/local-store.json).", valueName: "path"))
    var localStore: String?

    @OptionGroup var aws: AWSOptions

    func makeStore(environment: [String: String]) throws(StoreError) -> any SecretStore {
        try SecretStoreFactory.make(
            (store ?? .auto).kind, localStorePath: localStore, profile: aws.profile, region: aws.region, endpointURL: aws.endpointURL,
            environment: environment)
    }
}

extension StoreOptions {
    /// The store for an environment of a platform root; the options override what it names.
    func makeStore(platform: PlatformRoot, environment: EnvironmentDefinition, variables: [String: String]) throws(StoreError) -> any SecretStore {
        try platform.store(
            for: environment, kind: store?.kind, localStorePath: localStore, profile: aws.profile, region: aws.region,
            endpointURL: aws.endpointURL, variables: variables)
    }
}

enum StoreKindArgument: String, ExpressibleByArgument, CaseIterable {
    case aws, local, auto
    var kind: SecretStoreFactory.Kind { SecretStoreFactory.Kind(rawValue: rawValue)! }
}
