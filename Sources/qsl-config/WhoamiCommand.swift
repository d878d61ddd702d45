import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfigAWS
import QSLConfigCore

/// `qsl-config whoami`: the identity behind the configured AWS credentials.
struct WhoamiCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami",
        abstract: "Show the AWS identity, credential source, region and endpoints in use.",
        discussion: "Calls STS GetCallerIdentity, which needs no IAM permission. Exit code 3 if AWS cannot be reached or rejects the credentials.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var aws: AWSOptions

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    func run() async throws {
        let report: WhoamiReport
        do {
            let context = try AWSContext(profile: aws.profile, region: aws.region, endpointURL: aws.endpointURL)
            report = try await WhoamiReport.fetch(context: context)
        } catch let error as AWSConfigurationError {
            throw fail([Diagnostic(at: nil, "\(error)", rule: "aws")], status: ExitStatus.badInput)
        } catch let error as AWSCredentialsError where error.kind == .misconfigured {
            throw fail([Diagnostic(at: nil, "\(error)", rule: "aws")], status: ExitStatus.badInput)
        } catch {
            throw fail([Diagnostic(at: nil, "\(error)", rule: "aws")], status: ExitStatus.awsFailure)
        }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            printOutput(String(decoding: try encoder.encode(report), as: UTF8.self) + "\n")
        case .text:
            printOutput(Self.text(report))
        }
    }

    static func text(_ report: WhoamiReport) -> String {
        var out = """
            Account:           \(report.account)
            ARN:               \(report.arn)
            User ID:           \(report.userId)
            Credential source: \(report.credentialSource) (access key \(report.accessKeyId))
            Profile:           \(report.profile)
            Region:            \(report.region ?? "(none)")
            Endpoints:

            """
        for service in report.endpoints.keys.sorted() {
            let url = report.endpoints[service].flatMap { $0 } ?? "(unresolved)"
            let padded = service.padded(toUTF16Width: 16)
            out += "  \(padded) \(url) [\(report.endpointSources[service] ?? "")]\n"
        }
        return out
    }
}
