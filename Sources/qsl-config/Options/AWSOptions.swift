import ArgumentParser

/// `--profile`, `--region` and `--endpoint-url`, shared by every command that talks to AWS
/// (`@OptionGroup var aws: AWSOptions`).
struct AWSOptions: ParsableArguments {
    @Option(help: "Named profile from the shared AWS config and credentials files (default: AWS_PROFILE, then `default`).")
    var profile: String?

    @Option(help: "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile's region).")
    var region: String?

    @Option(
        name: .customLong("endpoint-url"),
        help: "Send every AWS request to this URL (an emulator such as moto or LocalStack); plain http only to loopback.")
    var endpointURL: String?
}
