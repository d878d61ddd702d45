import QSLConfig
import QSLConfigCore

/// The ECS form of a service's configuration: a container-definition fragment and the
/// least-privilege IAM policy that reads what it references. No secret value is ever read or
/// written: secrets are referenced by ARN.
///
/// Every key becomes one variable (`Section:Key` → `Section__Key`), sorted by name:
///
/// - A value that is exactly one `${aws:secrets:...}` reference becomes a `secrets` entry whose
///   `valueFrom` is the secret's full ARN (random suffix included, learnt from the store). A
///   reference that names a JSON key, a staging label or a version id gets the
///   `:json-key:version-stage:version-id` suffix ECS accepts, empty fields kept
///   (`...:secret:qsl/production/jwt-AbCdEf:secret::`).
/// - A value that is exactly one unpinned `${aws:parameter:...}` reference, and every value of
///   the Parameter Store prefix layer (`AWS:ParameterStorePrefix`), becomes a `secrets` entry
///   whose `valueFrom` is the parameter's ARN.
/// - `${VAR}` references resolve when the bundle is built, from the bundling machine's
///   environment; plain values go into `environment` as they are.
/// - A value with an `aws:` reference inside a longer string (`api-key=${aws:secrets:...}`), or
///   a parameter pinned to a version or label (which ECS cannot inject), cannot be a
///   `valueFrom`. It goes into `environment` with its references kept, and the fragment's
///   `entryPoint` becomes `qsl-config exec --from-environment --variable=NAME... --`: at start
///   the container's qsl-config resolves exactly those variables with the task role's
///   credentials (every other variable, ECS-injected secrets included, passes through
///   untouched) and then runs `command` (`dotnet <Folder>.dll`). The image must carry
///   `/usr/local/bin/qsl-config`.
/// - Outside environments that allow plaintext secrets (development), a plain value holding a
///   password (a connection string's `Password=`, a URL's `user:password@`) is an error: the
///   task definition would expose it. A plain value of a key named like a credential (`ApiKey`,
///   `Secret`, ...) that is not a boolean, number, duration or path is a warning.
///
/// The policy grants `secretsmanager:GetSecretValue` on exactly the referenced secret ARNs
/// (`secretsmanager:BatchGetSecretValue`, which authorises nothing by itself, on `*`),
/// `ssm:GetParameters` on exactly the referenced parameter ARNs, `ssm:GetParametersByPath` on
/// the `AWS:ParameterStorePrefix` path when one is set, and `kms:Decrypt` on the environment's
/// key (by its alias, through Secrets Manager and SSM only). It is meant for both roles that
/// read these values: the task execution role (ECS injecting `valueFrom`) and the task role
/// (`qsl-config exec` or the library at start-up).
enum ECSBundle {
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

    static let qslConfigPath = "/usr/local/bin/qsl-config"

    /// Builds both files for one service.
    ///
    /// - Parameters:
    ///   - scan: The references of `configuration`, scanned once by the caller.
    ///   - arns: The full ARN of every referenced secret, by the id the configuration uses.
    static func files(
        service: ServiceCatalogue.Service,
        configuration: LayeredConfiguration,
        scan: ReferenceScan,
        environment: EnvironmentDefinition,
        arns: [String: String],
        missingParameters: Set<ParameterReference> = [],
        environmentVariables: [String: String],
        warnings: inout [Diagnostic]
    ) throws(DiagnosticList) -> [BundleFile] {
        var problems = scan.diagnostics
        var variables: [ContainerDefinition.Variable] = []
        var secrets: [ContainerDefinition.Secret] = []
        var secretResources: Set<String> = []
        var parameterResources: Set<String> = []
        var execVariables: [String] = []
        var names: [String: ConfigKey] = [:]

        for entry in configuration.sortedEntries {
            let name = EnvironmentName.variable(for: entry.key)
            if let reason = EnvironmentName.unusableReason(name, in: .process) {
                problems.append(
                    Diagnostic(
                        at: entry.origin.location, "\(service.id): '\(entry.key)' becomes the variable name '\(name)', which a container's environment cannot carry (\(reason))",
                        rule: "variable-name", keyPath: entry.key.spelling))
                continue
            }
            // ASP.NET reads variables ignoring case: names that differ only in case are one key.
            if let other = names.updateValue(entry.key, forKey: ConfigKey.fold(name)), other != entry.key {
                problems.append(
                    Diagnostic(
                        at: entry.origin.location,
                        "\(service.id): '\(other)' and '\(entry.key)' both become the variable \(name) (ASP.NET reads variable names ignoring case)",
                        rule: "variable-name", keyPath: entry.key.spelling))
                continue
            }
            if case .parameterStore(let parameter, let isList) = entry.origin.source {
                let arn = parameterARN(parameter, environment: environment)
                parameterResources.insert(arn)
                secrets.append(.init(name: name, valueFrom: arn))
                if isList {
                    warnings.append(
                        Diagnostic(
                            .warning, at: nil,
                            "\(service.id): \(name) is the StringList parameter \(parameter), which ECS injects whole, as one comma-separated string: the service reads '\(entry.key)' as that string, where AWS's .NET provider would give '\(entry.key):0', '\(entry.key):1', ...; use one String parameter per item, or read it at start with qsl-config exec",
                            rule: "ecs-string-list", keyPath: entry.key.spelling))
                }
                continue
            }
            /// A plain value (as written, or after `${VAR}`) goes into `environment`, unless it
            /// carries a credential outside development (a password, an API key in a URL, a
            /// token). A value named like a credential that holds no plain setting is warned
            /// about: it may be a credential whose shape gives nothing away.
            func plain(_ value: String) {
                if !environment.allowsPlainSecrets, !value.isEmpty {
                    if CredentialClassifier.containsCredential(value, readsReferences: false) {
                        problems.append(plaintext(service: service, entry: entry))
                        return
                    }
                    // A connection string without a password is a plain setting (an RPC URL).
                    let kind = CredentialClassifier.keyKind(of: entry.key)
                    if kind != nil, kind != .connectionString, !CredentialClassifier.isPlainSetting(value) {
                        warnings.append(
                            Diagnostic(
                                .warning, at: entry.origin.location,
                                "\(service.id): '\(entry.key)' is named like a credential but holds a plain value, which goes into the task definition as written; reference it from Secrets Manager if it is one",
                                rule: "plaintext-secret", keyPath: entry.key.spelling))
                    }
                }
                variables.append(.init(name: name, value: value))
            }
            guard let template = scan.templates[entry.key] else {
                plain(entry.value ?? "")
                continue
            }

            // ${VAR} resolves now; aws: references stay, each checked against the store.
            var parts: [PlaceholderTemplate.Part] = []
            // Each aws: reference with the ARN of what it names (nil: a secret the store lacks).
            var awsReferences: [(reference: PlaceholderReference, arn: String?)] = []
            for part in template.parts {
                guard case .reference(let reference, let offset) = part else {
                    parts.append(part)
                    continue
                }
                switch reference {
                case .environment(let variable):
                    if let value = environmentVariables[variable.name] ?? variable.defaultValue {
                        // An empty value adds nothing: a literal part of none would not read back.
                        if !value.isEmpty { parts.append(.literal(value)) }
                    } else {
                        problems.append(
                            Diagnostic(
                                at: entry.origin.location(ofScalarOffset: offset),
                                ReferenceScan.unsetVariableMessage(variable, concealed: scan.conceals(entry))
                                    + " (referenced by '\(entry.key)')",
                                rule: "reference", keyPath: entry.key.spelling))
                    }
                case .secret(let secret):
                    parts.append(part)
                    let arn = arns[secret.secretId]
                    awsReferences.append((reference, arn))
                    if let arn {
                        secretResources.insert(arn)
                    } else {
                        problems.append(
                            Diagnostic(
                                at: entry.origin.location(ofScalarOffset: offset),
                                "\(service.id): secret \(secret.secretId) does not exist (referenced by '\(entry.key)'); create it, or fix the name",
                                rule: "missing-secret", keyPath: entry.key.spelling))
                    }
                case .parameter(let parameter):
                    parts.append(part)
                    let arn = parameterARN(parameter.name, environment: environment)
                    awsReferences.append((reference, arn))
                    parameterResources.insert(arn)
                    if missingParameters.contains(parameter) {
                        problems.append(
                            Diagnostic(
                                at: entry.origin.location(ofScalarOffset: offset),
                                "\(service.id): parameter \(parameter.requestName) does not exist (referenced by '\(entry.key)'); create it, or fix the name",
                                rule: "missing-parameter", keyPath: entry.key.spelling))
                    }
                }
            }

            if awsReferences.isEmpty {
                plain(parts.map(\.literalText).joined())
                continue
            }
            // Beside its references, the value's literal text goes into the task definition as
            // written: a literal password next to a referenced host is still plaintext.
            if !environment.allowsPlainSecrets {
                let shape = parts.map { part in
                    if case .reference(let reference, _) = part { return reference.description }
                    return part.literalText
                }.joined()
                if CredentialClassifier.containsCredential(shape) {
                    problems.append(plaintext(service: service, entry: entry))
                    continue
                }
            }
            if parts.count == 1 {
                guard let arn = awsReferences[0].arn else { continue }  // a missing secret, reported above
                if let valueFrom = valueFrom(awsReferences[0].reference, arn: arn) {
                    secrets.append(.init(name: name, valueFrom: valueFrom))
                    continue
                }
            }
            switch execTemplate(parts) {
            case .some(let text):
                execVariables.append(name)
                variables.append(.init(name: name, value: text))
            case nil:
                problems.append(
                    Diagnostic(
                        at: entry.origin.location, "\(service.id): '\(entry.key)' cannot be written so that qsl-config exec reads it back unchanged",
                        rule: "reference", keyPath: entry.key.spelling))
            }
        }
        guard problems.isEmpty else { throw DiagnosticList(problems) }

        let folderName = service.folder.split(separator: "/").last.map(String.init) ?? service.id
        let definition = ContainerDefinition(
            name: service.id,
            // `--variable=NAME`, one word: a name starting with `-` is not taken for an option.
            entryPoint: execVariables.isEmpty ? nil : [qslConfigPath, "exec", "--from-environment"] + execVariables.map { "--variable=" + $0 } + ["--"],
            command: execVariables.isEmpty ? nil : ["dotnet", "\(folderName).dll"],
            environment: variables,
            secrets: secrets)
        let policy = policy(
            secrets: secretResources, parameters: parameterResources, prefix: configuration["AWS:ParameterStorePrefix"] ?? nil,
            environment: environment)
        return [
            BundleFile(path: "\(service.id)/container-definition.json", bytes: BundleJSON.encode(definition), mode: 0o644),
            BundleFile(path: "\(service.id)/iam-policy.json", bytes: BundleJSON.encode(policy), mode: 0o644),
        ]
    }

    /// The `valueFrom` of a value that is exactly one reference to `arn`: the secret's ARN with
    /// ECS's `:json-key:version-stage:version-id` suffix when it selects a key or a version, the
    /// parameter's ARN; `nil` when ECS cannot inject it (a parameter pinned to a version or label).
    static func valueFrom(_ reference: PlaceholderReference, arn: String) -> String? {
        switch reference {
        case .secret(let secret):
            guard secret.jsonKey != nil || secret.versionStage != nil || secret.versionId != nil else { return arn }
            return arn + ":" + (secret.jsonKey ?? "") + ":" + (secret.versionStage ?? "") + ":" + (secret.versionId ?? "")
        case .parameter(let parameter):
            return parameter.selector == nil ? arn : nil
        case .environment:
            return nil
        }
    }

    /// The value as `qsl-config exec` will read it: literal text with `${` and `$<` escaped,
    /// references in their canonical spelling. `nil` when it would not parse back to the same
    /// parts.
    static func execTemplate(_ parts: [PlaceholderTemplate.Part]) -> String? {
        var text = ""
        var expected: [PlaceholderTemplate.Part] = []
        for part in parts {
            switch part {
            case .literal(let literal):
                text += PlaceholderTemplate.escapingLiteral(literal)
                if case .literal(let previous)? = expected.last {
                    expected[expected.count - 1] = .literal(previous + literal)
                } else {
                    expected.append(part)
                }
            case .reference(let reference, _):
                text += reference.description
                expected.append(.reference(reference, offset: 0))
            }
        }
        guard let reparsed = try? PlaceholderTemplate(parsing: text) else { return nil }
        let shape = reparsed.parts.map { part -> PlaceholderTemplate.Part in
            if case .reference(let reference, _) = part { return .reference(reference, offset: 0) }
            return part
        }
        return shape == expected ? text : nil
    }

    static func policy(secrets: Set<String>, parameters: Set<String>, prefix: String?, environment: EnvironmentDefinition) -> PolicyDocument {
        var statements: [PolicyDocument.Statement] = []
        if !secrets.isEmpty {
            statements.append(.init(Sid: "ReadReferencedSecrets", Action: ["secretsmanager:GetSecretValue"], Resource: secrets.sorted()))
            // BatchGetSecretValue grants nothing by itself: it returns only the secrets that
            // GetSecretValue above allows. qsl-config reads up to 20 secrets a call with it.
            statements.append(.init(Sid: "BatchReadReferencedSecrets", Action: ["secretsmanager:BatchGetSecretValue"], Resource: ["*"]))
        }
        if !parameters.isEmpty {
            statements.append(.init(Sid: "ReadReferencedParameters", Action: ["ssm:GetParameters"], Resource: parameters.sorted()))
        }
        if let prefix, !prefix.isEmpty {
            // GetParametersByPath is authorised against the requested path, which the loader
            // sends without its trailing slash.
            let path = prefix.count > 1 && prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
            statements.append(.init(Sid: "ReadParameterStorePrefix", Action: ["ssm:GetParametersByPath"], Resource: [parameterARN(path, environment: environment)]))
        }
        if let alias = environment.kmsKeyAlias, !secrets.isEmpty || !parameters.isEmpty || prefix?.isEmpty == false {
            statements.append(
                .init(
                    Sid: "DecryptWithEnvironmentKey", Action: ["kms:Decrypt"],
                    Resource: ["arn:\(environment.partition):kms:\(environment.region):\(environment.accountId):key/*"],
                    Condition: [
                        "ForAnyValue:StringEquals": ["kms:ResourceAliases": [alias]],
                        "StringEquals": [
                            "kms:ViaService": ["secretsmanager.\(environment.region).amazonaws.com", "ssm.\(environment.region).amazonaws.com"]
                        ],
                    ]))
        }
        return PolicyDocument(Statement: statements)
    }

    static func plaintext(service: ServiceCatalogue.Service, entry: ConfigEntry) -> Diagnostic {
        Diagnostic(
            at: entry.origin.location,
            "\(service.id): '\(entry.key)' holds a plaintext credential, which an ECS task definition would expose; reference it from Secrets Manager instead",
            rule: "plaintext-secret", keyPath: entry.key.spelling)
    }

    /// `arn:aws:ssm:REGION:ACCOUNT:parameter/NAME` for a parameter name (or the ARN itself).
    static func parameterARN(_ name: String, environment: EnvironmentDefinition) -> String {
        if name.hasPrefix("arn:") { return name }
        let path = name.hasPrefix("/") ? name : "/" + name
        return "arn:\(environment.partition):ssm:\(environment.region):\(environment.accountId):parameter\(path)"
    }
}

extension PlaceholderTemplate.Part {
    /// The text of a literal part; empty for a reference.
    var literalText: String {
        if case .literal(let text) = self { return text }
        return ""
    }
}
