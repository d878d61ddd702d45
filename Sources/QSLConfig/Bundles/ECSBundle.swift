import Foundation
import QSLConfigCore

/// The ECS form of a service's configuration: a container-definition fragment and the task
/// role's least-privilege IAM policy.
///
/// - A value that is exactly one `aws:` reference becomes a `secrets` entry whose `valueFrom` is
///   the secret's full ARN — with the `:json-key:version-stage:version-id` suffix ECS accepts when
///   the reference names a key or a version — or the parameter's ARN. ECS injects it at start.
/// - A plain value goes into `environment`.
/// - A value with a reference inside a longer string (`api-key=${aws:secrets:...}`) cannot be a
///   `valueFrom`. Such values stay in `environment` as written, and the fragment's `entryPoint`
///   becomes `qsl-config exec --from-environment --`, which resolves them inside the container
///   with the task role and then runs the service's `command` (`dotnet <Folder>.dll`). The image
///   must carry `/usr/local/bin/qsl-config`.
struct ECSBundle {
    struct ContainerDefinition: Encodable {
        struct Variable: Encodable {
            var name: String
            var value: String
        }
        struct Secret: Encodable {
            var name: String
            var valueFrom: String
        }
        var name: String
        var entryPoint: [String]?
        var command: [String]?
        var environment: [Variable]
        var secrets: [Secret]
    }

    struct PolicyDocument: Encodable {
        struct Statement: Encodable {
            var Sid: String
            var Effect = "Allow"
            var Action: [String]
            var Resource: [String]
            var Condition: [String: [String: [String]]]?
        }
        var Version = "2012-10-17"
        var Statement: [Statement]
    }

    static let entryPoint = ["/usr/local/bin/qsl-config", "exec", "--from-environment", "--"]

    /// Builds both files for one service.
    ///
    /// - Parameters:
    ///   - arns: The full ARN of every referenced secret, by the id the configuration uses.
    static func files(
        service: ServiceCatalogue.Service,
        configuration: LayeredConfiguration,
        environment: EnvironmentDefinition,
        arns: [String: String],
        environmentVariables: [String: String]
    ) throws(DiagnosticList) -> [BundleFile] {
        let scan = ReferenceScan(configuration)
        var problems = scan.diagnostics
        var variables: [ContainerDefinition.Variable] = []
        var secrets: [ContainerDefinition.Secret] = []
        var secretResources: Set<String> = []
        var parameterResources: Set<String> = []
        var needsExec = false

        for entry in configuration.sortedEntries {
            let name = EnvironmentName.variable(for: entry.key)
            guard let template = scan.templates[entry.key] else {
                if let value = entry.value, SecretKeyPolicy.isSecretKey(entry.key), !value.isEmpty, !environment.allowsPlainSecrets {
                    problems.append(
                        Diagnostic(
                            at: entry.origin.location,
                            "\(service.id): '\(entry.key)' holds a plaintext credential, which an ECS task definition would expose; reference it from Secrets Manager instead",
                            rule: "plaintext-secret", keyPath: entry.key.spelling))
                    continue
                }
                variables.append(.init(name: name, value: entry.value ?? ""))
                continue
            }
            // Environment-variable references resolve now, from the machine that bundles.
            var awsReferences: [PlaceholderReference] = []
            var rendered = ""
            for part in template.parts {
                switch part {
                case .literal(let text): rendered += text
                case .reference(let reference, let offset):
                    if case .environment(let variable) = reference {
                        if let value = environmentVariables[variable.name] ?? variable.defaultValue {
                            rendered += value
                        } else {
                            problems.append(
                                Diagnostic(
                                    at: entry.origin.location(ofScalarOffset: offset),
                                    "environment variable \(variable.name) is not set and \(variable) has no default (referenced by '\(entry.key)')",
                                    rule: "reference", keyPath: entry.key.spelling))
                        }
                    } else {
                        awsReferences.append(reference)
                        rendered += reference.description
                    }
                }
            }
            for reference in awsReferences {
                switch reference {
                case .secret(let secret):
                    if let arn = arns[secret.secretId] { secretResources.insert(arn) } else {
                        problems.append(
                            Diagnostic(
                                at: entry.origin.location, "\(service.id): secret \(secret.secretId) does not exist (referenced by '\(entry.key)')",
                                rule: "missing-secret", keyPath: entry.key.spelling))
                    }
                case .parameter(let parameter):
                    parameterResources.insert(parameterARN(parameter.name, environment: environment))
                case .environment:
                    break
                }
            }
            if template.isSingleReference, let reference = awsReferences.first {
                switch reference {
                case .secret(let secret):
                    guard let arn = arns[secret.secretId] else { continue }
                    var valueFrom = arn
                    if secret.jsonKey != nil || secret.versionStage != nil || secret.versionId != nil {
                        valueFrom += ":" + (secret.jsonKey ?? "") + ":" + (secret.versionStage ?? "") + ":" + (secret.versionId ?? "")
                    }
                    secrets.append(.init(name: name, valueFrom: valueFrom))
                case .parameter(let parameter):
                    secrets.append(.init(name: name, valueFrom: parameterARN(parameter.name, environment: environment) + (parameter.selector.map { ":" + $0 } ?? "")))
                case .environment:
                    break
                }
            } else {
                if !awsReferences.isEmpty { needsExec = true }
                variables.append(.init(name: name, value: rendered))
            }
        }
        guard problems.isEmpty else { throw DiagnosticList(problems) }

        let folderName = service.folder.split(separator: "/").last.map(String.init) ?? service.id
        let definition = ContainerDefinition(
            name: service.id,
            entryPoint: needsExec ? entryPoint : nil,
            command: needsExec ? ["dotnet", "\(folderName).dll"] : nil,
            environment: variables,
            secrets: secrets)

        var statements: [PolicyDocument.Statement] = []
        if !secretResources.isEmpty {
            statements.append(.init(Sid: "ReadReferencedSecrets", Action: ["secretsmanager:GetSecretValue"], Resource: secretResources.sorted()))
            // BatchGetSecretValue authorises nothing by itself: it returns only the secrets that
            // GetSecretValue above allows. qsl-config's resolver uses it to read them in one call.
            statements.append(.init(Sid: "BatchReadReferencedSecrets", Action: ["secretsmanager:BatchGetSecretValue"], Resource: ["*"]))
        }
        if !parameterResources.isEmpty {
            statements.append(.init(Sid: "ReadReferencedParameters", Action: ["ssm:GetParameters"], Resource: parameterResources.sorted()))
        }
        if let prefixValue = configuration["AWS:ParameterStorePrefix"], let prefix = prefixValue, !prefix.isEmpty {
            statements.append(
                .init(Sid: "ReadParameterStorePrefix", Action: ["ssm:GetParametersByPath"], Resource: [parameterARN(prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix, environment: environment)]))
        }
        if let alias = environment.kmsKeyAlias, !secretResources.isEmpty || !parameterResources.isEmpty {
            statements.append(
                .init(
                    Sid: "DecryptWithEnvironmentKey", Action: ["kms:Decrypt"],
                    Resource: ["arn:\(environment.partition):kms:\(environment.region):\(environment.accountId):key/*"],
                    Condition: ["ForAnyValue:StringEquals": ["kms:ResourceAliases": [alias]]]))
        }
        return [
            BundleFile(path: "\(service.id)/container-definition.json", bytes: BundleJSON.encode(definition), mode: 0o644),
            BundleFile(path: "\(service.id)/iam-policy.json", bytes: BundleJSON.encode(PolicyDocument(Statement: statements)), mode: 0o644),
        ]
    }

    /// `arn:aws:ssm:REGION:ACCOUNT:parameter/NAME` for a parameter name (or the ARN itself).
    static func parameterARN(_ name: String, environment: EnvironmentDefinition) -> String {
        if name.hasPrefix("arn:") { return name }
        let path = name.hasPrefix("/") ? name : "/" + name
        return "arn:\(environment.partition):ssm:\(environment.region):\(environment.accountId):parameter\(path)"
    }
}

/// Deterministic JSON for bundle files: sorted keys, two-space indentation, a final newline.
enum BundleJSON {
    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Array(data) + [0x0A]
    }
}
