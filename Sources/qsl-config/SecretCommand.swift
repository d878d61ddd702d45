import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfig
import QSLConfigCore

#if canImport(Glibc)
import Glibc
#endif

struct SecretCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secret",
        abstract: "Read and write secrets in the local store or AWS Secrets Manager.",
        discussion: "Values are never taken from arguments (they would land in shell history and `ps`) and never printed without --show-secrets.",
        subcommands: [Put.self, Get.self, Describe.self, List.self]
    )

    /// Without a subcommand: bad usage (exit 2), not the help with exit 0, so that a script's
    /// `qsl-config secret $ACTION` with an empty `ACTION` fails.
    func run() async throws {
        // Said with this command's own usage (an error thrown from here would print the root's).
        printError("Error: Name what to do: qsl-config secret put|get|describe|list.\n\n" + QSLConfigCommand.helpMessage(for: SecretCommand.self))
        throw ExitCode(ExitStatus.badInput)
    }

    struct Put: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "put",
            abstract: "Create a secret, or add a new AWSCURRENT version, with the value from standard input or --value-file.")

        @Argument(help: "The secret's name, e.g. qsl/development/jwt.")
        var name: String

        @Option(name: .customLong("value-file"), help: ArgumentHelp("Read the value from this file instead of standard input.", valueName: "path"))
        var valueFile: String?

        @Flag(help: "Keep a trailing newline (by default one trailing newline is removed, so `echo` works).")
        var keepNewline = false

        @Option(help: "A description for a new secret.")
        var description: String?

        @Option(name: .customLong("tag"), help: ArgumentHelp("A tag KEY=VALUE (repeatable).", valueName: "key=value"))
        var tags: [String] = []

        @Option(name: .customLong("stage"), help: ArgumentHelp("Stage the new version under this label instead of AWSCURRENT (repeatable).", valueName: "label"))
        var stages: [String] = []

        @Option(name: .customLong("kms-key-id"), help: "The KMS key for a new secret (AWS only).")
        var kmsKeyId: String?

        @OptionGroup var stores: StoreOptions

        /// `--description` and `--kms-key-id` make a new secret, whose first version is always
        /// `AWSCURRENT`; `--stage` needs an existing one. Together, one would be ignored.
        func validate() throws {
            if !stages.isEmpty, description != nil || kmsKeyId != nil {
                throw ValidationError(
                    "--stage stages a version of an existing secret, and --description and --kms-key-id apply only to a new one (whose first version is AWSCURRENT); drop one of them")
            }
        }

        func run() async throws {
            var bytes: [UInt8]
            do {
                // Room for the trailing line break that is dropped; the value's own limit is checked after.
                let limit = SecretValueRules.maxBytes + 2
                bytes = try valueFile.map { try FileBytes.read($0, maxBytes: limit, allowsPipe: true) } ?? readStandardInput(limit: limit)
            } catch let error as Diagnostic {
                throw fail([error], status: ExitStatus.badInput)
            }
            if !keepNewline, bytes.last == 0x0A {
                bytes.removeLast()
                if bytes.last == 0x0D { bytes.removeLast() }
            }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw fail([Diagnostic(at: nil, "the value is not UTF-8 text; secrets are stored as SecretString", rule: "input")], status: ExitStatus.badInput)
            }
            if let problem = SecretValueRules.problem(with: text) {
                let hint = text.isEmpty ? "; pipe it on standard input or pass --value-file" : ""
                throw fail([Diagnostic(at: nil, "secret \(name): \(problem)\(hint)", rule: "input")], status: ExitStatus.badInput)
            }
            var tagMap: [String: String] = [:]
            for tag in tags {
                guard let equals = tag.firstIndex(of: "=") else { throw ValidationError("--tag takes KEY=VALUE, got \(tag)") }
                tagMap[String(tag[..<equals])] = String(tag[tag.index(after: equals)...])
            }
            let environment = ProcessInfo.processInfo.environment
            do {
                let store = try stores.makeStore(environment: environment)
                let value = SecretPayload.string(SecretValue(text))
                let token = UUID().uuidString
                let create = CreateSecretRequest(
                    name: name, value: value, description: description, kmsKeyId: kmsKeyId, tags: tagMap, clientRequestToken: token)
                let (result, verb) = try await write(value, create: create, to: store)
                printOutput("\(verb) \(result.name) version \(result.versionId) in \(store.storeDescription)\n")
            } catch {
                throw error.exitCode
            }
        }

        /// Adds a version to an existing secret in one call, or creates the secret. Options only a
        /// new secret takes are never ignored silently: with `--description` or `--kms-key-id`
        /// the secret must be new, and `--stage` needs an existing one (a new secret's first
        /// version is always `AWSCURRENT`).
        func write(_ value: SecretPayload, create: CreateSecretRequest, to store: any SecretStore) async throws(StoreError) -> (SecretVersionRef, String) {
            if description != nil || kmsKeyId != nil {
                let created: Result<SecretVersionRef, StoreError>
                do { created = .success(try await store.createSecret(create)) } catch { created = .failure(error) }
                if case .failure(let error) = created, error.code == .alreadyExists {
                    throw StoreError(.invalidRequest, "secret \(name) already exists; --description and --kms-key-id apply only to a new secret")
                }
                return (try created.get(), "created")
            }
            let updated: Result<SecretVersionRef, StoreError>
            do {
                updated = .success(try await store.putSecretValue(name, value: value, stages: stages.isEmpty ? nil : stages, clientRequestToken: create.clientRequestToken))
            } catch {
                updated = .failure(error)
            }
            switch updated {
            case .success(let version):
                if !create.tags.isEmpty { try await store.tagSecret(name, tags: create.tags) }
                return (version, "updated")
            case .failure(let error) where error.code == .notFound:
                guard stages.isEmpty else {
                    throw StoreError(.invalidRequest, "secret \(name) does not exist; a new secret's first version is AWSCURRENT, so --stage needs an existing secret")
                }
                do {
                    return (try await store.createSecret(create), "created")
                } catch where error.code == .alreadyExists {
                    // Another `put` created it meanwhile: this value becomes its next version.
                    let version = try await store.putSecretValue(name, value: value, stages: nil, clientRequestToken: create.clientRequestToken)
                    if !create.tags.isEmpty { try await store.tagSecret(name, tags: create.tags) }
                    return (version, "updated")
                }
            case .failure(let error):
                throw error
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get",
            abstract: "Print a secret's version, its stages and <redacted>; with --show-secrets, the value alone.")

        @Argument(help: "The secret's name or ARN.")
        var name: String

        @Option(help: "Read the version with this staging label (AWSCURRENT by default).")
        var stage: String?

        @Option(name: .customLong("version-id"), help: "Read this version.")
        var versionId: String?

        @Flag(help: "Print the value; without it the value is shown as <redacted>.")
        var showSecrets = false

        @OptionGroup var stores: StoreOptions

        func validate() throws {
            if stage != nil && versionId != nil { throw ValidationError("Pass --stage or --version-id, not both.") }
        }

        func run() async throws {
            do {
                let store = try stores.makeStore(environment: ProcessInfo.processInfo.environment)
                let secret = try await store.getSecret(SecretVersionSelector(secretId: name, versionStage: stage, versionId: versionId))
                guard showSecrets else {
                    printOutput("\(secret.name) version \(secret.versionId) [\(secret.stages.joined(separator: ", "))]: \(SecretValue.redactionMarker) (pass --show-secrets to print the value)\n")
                    return
                }
                switch secret.payload {
                case .string(let value): printOutput(value.unsafeRevealed + "\n")
                case .binary(let bytes): printOutput(Data(bytes).base64EncodedString() + "\n")
                }
            } catch {
                throw error.exitCode
            }
        }
    }

    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "describe", abstract: "Print a secret's metadata: ARN, versions and their stages, tags. Never the value.")

        @Argument(help: "The secret's name or ARN.")
        var name: String

        @Option(help: "Output format: text or json.")
        var format: TextOrJSON = .text

        @OptionGroup var stores: StoreOptions

        func run() async throws {
            do {
                let store = try stores.makeStore(environment: ProcessInfo.processInfo.environment)
                let description = try await store.describeSecret(name)
                printOutput(format == .json ? SecretListing.json(description) : SecretListing.text(description))
            } catch {
                throw error.exitCode
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List secrets, optionally those whose names start with a prefix.")

        @Option(help: "Only secrets whose names start with this prefix.")
        var prefix: String?

        @Option(help: "Output format: text or json.")
        var format: TextOrJSON = .text

        @OptionGroup var stores: StoreOptions

        func run() async throws {
            do {
                let store = try stores.makeStore(environment: ProcessInfo.processInfo.environment)
                let secrets = try await store.listSecrets(prefix: prefix)
                printOutput(format == .json ? SecretListing.json(list: secrets) : secrets.map { "\($0.name)\t\($0.arn)\n" }.joined())
            } catch {
                throw error.exitCode
            }
        }
    }
}

enum TextOrJSON: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Secret metadata as text or JSON (sorted keys, so output is stable).
enum SecretListing {
    static func text(_ secret: SecretDescription) -> String {
        var out = "Name: \(secret.name)\nARN: \(secret.arn)\n"
        if let description = secret.description { out += "Description: \(description)\n" }
        if let kms = secret.kmsKeyId { out += "KmsKeyId: \(kms)\n" }
        out += "Versions:\n"
        for (id, stages) in secret.versions.sorted(by: { $0.key < $1.key }) { out += "  \(id): \(stages.sorted().joined(separator: ", "))\n" }
        if !secret.tags.isEmpty {
            out += "Tags:\n"
            for (key, value) in secret.tags.sorted(by: { $0.key < $1.key }) { out += "  \(key)=\(value)\n" }
        }
        return out
    }

    struct Entry: Encodable {
        var Name: String
        var ARN: String
        var Description: String?
        var KmsKeyId: String?
        var Tags: [String: String]
        var VersionIdsToStages: [String: [String]]

        init(_ secret: SecretDescription) {
            (Name, ARN, Description, KmsKeyId, Tags, VersionIdsToStages) =
                (secret.name, secret.arn, secret.description, secret.kmsKeyId, secret.tags, secret.versions)
        }
    }

    /// `describe`'s JSON: one object.
    static func json(_ secret: SecretDescription) -> String {
        encoded(Entry(secret))
    }

    /// `list`'s JSON: an array, whatever the number of secrets (one included).
    static func json(list secrets: [SecretDescription]) -> String {
        encoded(secrets.map(Entry.init))
    }

    private static func encoded(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(value), as: UTF8.self) + "\n"
    }
}

/// Everything on standard input, up to `limit` bytes.
func readStandardInput(limit: Int) throws(Diagnostic) -> [UInt8] {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
        if count < 0 {
            if errno == EINTR { continue }
            throw Diagnostic(at: nil, "cannot read standard input: \(String(cString: strerror(errno)))", rule: "input")
        }
        if count == 0 { break }
        bytes += buffer[0..<count]
        if bytes.count > limit { throw Diagnostic(at: nil, "the value is larger than \(limit) bytes", rule: "input") }
    }
    return bytes
}

extension StoreError {
    var exitCode: ExitCode {
        fail([Diagnostic(at: nil, message, rule: "store")], status: isStoreFailure ? ExitStatus.awsFailure : ExitStatus.badInput)
    }
}
