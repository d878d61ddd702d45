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
    /// `--root` the environment's own). Without `--store` (or with `--store auto`),
    /// `--local-store` names the local store, and `--endpoint-url` or `--profile` AWS: an option
    /// that names one store never leaves the choice to what happens to be configured.
    ///
    /// - Parameter awsOptionsChooseStore: `false` for the commands that also use the AWS options
    ///   for an AWS identity of their own (`rotate` and `rollback`, for IAM and STS): there they
    ///   never move a local store to AWS.
    func chosenKind(awsOptionsChooseStore: Bool = true) -> SecretStoreFactory.Kind? {
        if let store, store != .auto { return store.kind }
        if localStore != nil { return .local }
        if awsOptionsChooseStore, aws.endpointURL != nil || aws.profile != nil { return .aws }
        return nil
    }

    /// `--local-store` with `--store aws` can only be ignored: refused (exit 2).
    func validate() throws {
        if store == .aws, localStore != nil {
            throw ValidationError("--local-store names the embedded store, but --store aws was given; drop one of them")
        }
    }

    /// Options that name two stores, or AWS options the local store would ignore; `nil` when
    /// they agree. Checked where the store is made, so that `rotate` and `rollback`, whose AWS
    /// options also serve IAM and STS, take them with a local store.
    func conflict(awsOptionsChooseStore: Bool) -> String? {
        guard awsOptionsChooseStore else { return nil }
        let awsOptions = [("--endpoint-url", aws.endpointURL), ("--profile", aws.profile)].filter { $0.1 != nil }.map(\.0)
        guard !awsOptions.isEmpty else { return nil }
        if store == .local {
            return "\(awsOptions.joined(separator: " and ")) \(awsOptions.count == 1 ? "is" : "are") for AWS, but --store local was given; drop one of them"
        }
        if store != .aws, localStore != nil {
            return "--local-store names the embedded store and \(awsOptions.joined(separator: " and ")) AWS; choose one (or say which with --store)"
        }
        return nil
    }

    func makeStore(environment: [String: String]) throws(StoreError) -> any SecretStore {
        if let conflict = conflict(awsOptionsChooseStore: true) { throw StoreError(.invalidRequest, conflict) }
        return try SecretStoreFactory.make(
            chosenKind() ?? .auto, localStorePath: localStore, profile: aws.profile, region: aws.region, endpointURL: aws.endpointURL,
            environment: environment)
    }
}

extension StoreOptions {
    /// The store for an environment of a platform root; the options override what it names.
    ///
    /// - Parameter awsOptionsChooseStore: See ``chosenKind(awsOptionsChooseStore:)``.
    func makeStore(
        platform: PlatformRoot, environment: EnvironmentDefinition, variables: [String: String], awsOptionsChooseStore: Bool = true
    ) throws(StoreError) -> any SecretStore {
        if let conflict = conflict(awsOptionsChooseStore: awsOptionsChooseStore) { throw StoreError(.invalidRequest, conflict) }
        return try platform.store(
            for: environment, kind: chosenKind(awsOptionsChooseStore: awsOptionsChooseStore), localStorePath: localStore, profile: aws.profile,
            region: aws.region, endpointURL: aws.endpointURL, variables: variables)
    }
}

enum StoreKindArgument: String, ExpressibleByArgument, CaseIterable {
    case aws, local, auto
    var kind: SecretStoreFactory.Kind { SecretStoreFactory.Kind(rawValue: rawValue)! }
}
