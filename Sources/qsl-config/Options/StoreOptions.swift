import ArgumentParser
import QSLConfig
import QSLConfigOperations

/// `--store`, `--local-store` and the AWS options, shared by every command that reads secrets.
struct StoreOptions: ParsableArguments {
    @Option(
        help: "Where secrets live: aws, local (the embedded store) or auto (aws when AWS is configured, else local; with --root, what the environment names). Without it, --local-store means local, and --endpoint-url or --profile mean aws.")
    var store: StoreKindArgument?

    @Option(name: .customLong("local-store"), help: ArgumentHelp("The embedded store's file (default .qsl/local-store.json); chooses the embedded store.", valueName: "path"))
    var localStore: String?

    @OptionGroup var aws: AWSOptions

    /// The store the options name, `nil` when they leave it to the default (`auto`, or with
    /// `--root` the environment's own). Without `--store`, `--local-store` names the local store,
    /// and `--endpoint-url` or `--profile` AWS: an option that names one store never leaves the
    /// choice to what happens to be configured.
    var chosenKind: SecretStoreFactory.Kind? {
        if let store, store != .auto { return store.kind }
        if localStore != nil { return .local }
        if aws.endpointURL != nil || aws.profile != nil { return .aws }
        return nil
    }

    /// Options that name two stores, or one the store chosen would ignore, are refused (exit 2).
    func validate() throws {
        let awsOptions = [("--endpoint-url", aws.endpointURL), ("--profile", aws.profile)].filter { $0.1 != nil }.map(\.0)
        switch (store, localStore != nil, awsOptions.isEmpty) {
        case (.aws?, true, _):
            throw ValidationError("--local-store names the embedded store, but --store aws was given; drop one of them")
        case (.local?, _, false):
            throw ValidationError("\(awsOptions.joined(separator: " and ")) \(awsOptions.count == 1 ? "is" : "are") for AWS, but --store local was given; drop one of them")
        case (.auto?, true, false), (nil, true, false):
            throw ValidationError(
                "--local-store names the embedded store and \(awsOptions.joined(separator: " and ")) AWS; choose one (or say which with --store)")
        default:
            return
        }
    }

    func makeStore(environment: [String: String]) throws(StoreError) -> any SecretStore {
        try SecretStoreFactory.make(
            chosenKind ?? .auto, localStorePath: localStore, profile: aws.profile, region: aws.region, endpointURL: aws.endpointURL,
            environment: environment)
    }
}

extension StoreOptions {
    /// The store for an environment of a platform root; the options override what it names.
    func makeStore(platform: PlatformRoot, environment: EnvironmentDefinition, variables: [String: String]) throws(StoreError) -> any SecretStore {
        try platform.store(
            for: environment, kind: chosenKind, localStorePath: localStore, profile: aws.profile, region: aws.region,
            endpointURL: aws.endpointURL, variables: variables)
    }
}

enum StoreKindArgument: String, ExpressibleByArgument, CaseIterable {
    case aws, local, auto
    var kind: SecretStoreFactory.Kind { SecretStoreFactory.Kind(rawValue: rawValue)! }
}
