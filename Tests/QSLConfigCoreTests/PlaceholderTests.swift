import QSLConfigCore
import Testing

@Suite("placeholder grammar")
struct PlaceholderTests {
    func references(_ text: String) throws -> [PlaceholderReference] {
        try PlaceholderTemplate(parsing: text).references
    }

    @Test("every spelling of the design parses")
    func spellings() throws {
        #expect(try references("${aws:secrets:qsl/production/neon/userservice}") == [.secret(SecretReference(secretId: "qsl/production/neon/userservice"))])
        #expect(try references("${aws:secrets:qsl/production/logto:clientSecret}") == [.secret(SecretReference(secretId: "qsl/production/logto", jsonKey: "clientSecret"))])
        let arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:qsl/production/otel-AbCdEf"
        #expect(try references("${aws:secrets:\(arn)}") == [.secret(SecretReference(secretId: arn))])
        #expect(try references("${aws:secrets:\(arn):apiKey}") == [.secret(SecretReference(secretId: arn, jsonKey: "apiKey"))])
        #expect(try references("${aws:parameter:/qsl/production/config/kestra/url}") == [.parameter(ParameterReference(name: "/qsl/production/config/kestra/url"))])
        #expect(try references("${aws:ssm:/qsl/production/config/kestra/url}") == [.parameter(ParameterReference(name: "/qsl/production/config/kestra/url"))])
        #expect(try references("${AWS_REGION}") == [.environment(EnvironmentReference(name: "AWS_REGION"))])
        #expect(try references("${AWS_REGION:us-east-1}") == [.environment(EnvironmentReference(name: "AWS_REGION", defaultValue: "us-east-1"))])
        #expect(try references("${EMPTY_DEFAULT:}") == [.environment(EnvironmentReference(name: "EMPTY_DEFAULT", defaultValue: ""))])
        #expect(try references("$<aws:secrets:qsl/x:k>") == [.secret(SecretReference(secretId: "qsl/x", jsonKey: "k"))])
        #expect(try references("$<HOME>") == [.environment(EnvironmentReference(name: "HOME"))])
    }

    @Test("references embedded in longer strings keep the literal text")
    func embedded() throws {
        let template = try PlaceholderTemplate(parsing: "api-key=${aws:secrets:qsl/production/otel:apiKey};region=${AWS_REGION:eu-west-1}!")
        #expect(template.parts.count == 5)
        let rendered = template.render { (reference: PlaceholderReference) -> String in
            if case .secret = reference { return "K" }
            return "R"
        }
        #expect(rendered == "api-key=K;region=R!")
        #expect(!template.isSingleReference)
        #expect(try PlaceholderTemplate(parsing: "${aws:secrets:a}").isSingleReference)
    }

    @Test("version pinning by stage and by version id")
    func pinning() throws {
        #expect(try references("${aws:secrets:qsl/jwt:secret:AWSPREVIOUS}") == [.secret(SecretReference(secretId: "qsl/jwt", jsonKey: "secret", versionStage: "AWSPREVIOUS"))])
        #expect(try references("${aws:secrets:qsl/jwt::AWSPREVIOUS}") == [.secret(SecretReference(secretId: "qsl/jwt", versionStage: "AWSPREVIOUS"))])
        let id = "EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE"
        #expect(try references("${aws:secrets:qsl/jwt:::\(id)}") == [.secret(SecretReference(secretId: "qsl/jwt", versionId: id))])
        #expect(try references("${aws:parameter:/qsl/x:3}") == [.parameter(ParameterReference(name: "/qsl/x", selector: "3"))])
        #expect(ParameterReference(name: "/qsl/x", selector: "blue").requestName == "/qsl/x:blue")
        // Pinned and unpinned references are different versions to fetch.
        let pinned = SecretReference(secretId: "s", versionStage: "AWSPREVIOUS").version
        #expect(pinned != SecretReference(secretId: "s").version)
        #expect(SecretReference(secretId: "s", jsonKey: "a").version == SecretReference(secretId: "s", jsonKey: "b").version)
    }

    @Test("escapes give a literal ${ or $<")
    func escapes() throws {
        let template = try PlaceholderTemplate(parsing: "cost $$${PRICE} and $$<tag> and $5 and $")
        #expect(template.references.isEmpty)
        #expect(template.canonicalText == "cost $${PRICE} and $<tag> and $5 and $")
        let literal = try PlaceholderTemplate(parsing: "$${not a reference}")
        #expect(literal.references.isEmpty)
        #expect(literal.canonicalText == "${not a reference}")
    }

    @Test("a ':' followed by a combining mark still separates, as it does between a secret's fields")
    func colonBeforeCombiningMark() throws {
        // U+0301 after ':' makes one Character of the two; the grammar's delimiters are bytes.
        #expect(try references("${HOST:\u{301}x}") == [.environment(EnvironmentReference(name: "HOST", defaultValue: "\u{301}x"))])
        let error = #expect(throws: PlaceholderSyntaxError.self) { try PlaceholderTemplate(parsing: "${aws:parameter:/qsl/x:\u{301}}") }
        #expect(error?.message.contains("is not a parameter version or label") == true)
        let kind = #expect(throws: PlaceholderSyntaxError.self) { try PlaceholderTemplate(parsing: "${aws:\u{301}secrets:x}") }
        #expect(kind?.reason == .unknownKind)
    }

    @Test("aws: is never an environment variable with a default, in any case; AWS alone is a variable")
    func awsIsReserved() throws {
        #expect(throws: PlaceholderSyntaxError.self) { try PlaceholderTemplate(parsing: "${aws:unknown}") }
        for mistyped in ["${AWS:secrets:qsl/production/logto:clientSecret}", "${Aws:parameter:/x}", "x-$<aWs:x>"] {
            #expect {
                try PlaceholderTemplate(parsing: mistyped)
            } throws: { error in
                (error as? PlaceholderSyntaxError)?.message.contains("reserved AWS prefix, written in lower case") == true
            }
        }
        if case .environment(let variable) = try references("${AWS}").first! {
            #expect(variable.name == "AWS" && variable.defaultValue == nil)
        } else {
            Issue.record("AWS alone is an ordinary variable")
        }
        if case .environment = try references("${AWSX:y}").first! {} else { Issue.record("a longer name is an ordinary variable") }
    }

    @Test("malformed references are errors at their offset", arguments: [
        ("x${aws:kms:key}", 1, "unknown aws reference kind 'kms'"),
        ("${aws:secrets:}", 0, "names no secret"),
        ("${aws:secrets}", 0, "names no target"),
        ("ab${", 2, "never closed"),
        ("$<aws:secrets:x", 0, "never closed"),
        ("${}", 0, "empty reference"),
        ("${1BAD}", 0, "not a valid environment variable name"),
        ("${aws:secrets:bad name}", 0, "not a valid secret name"),
        ("${aws:secrets:a:b:c:d:e}", 0, "too many ':' fields"),
        ("${aws:secrets:arn:aws:secretsmanager:us-east-1:123:secret:x}", 0, "not a Secrets Manager ARN"),
        ("${aws:parameter:bad name}", 0, "not a valid parameter name"),
        ("${aws:secrets:a:k:bad stage}", 0, "not a valid staging label"),
        ("${aws:secrets:a:k:AWSCURRENT:short}", 0, "not a valid secret version id"),
        ("${A${B}}", 3, "cannot be nested"),
        // Offsets count Unicode scalars, not bytes or characters.
        ("é€😀${aws:kms:x}", 3, "unknown aws reference kind"),
        ("e\u{301}${A${B}}", 5, "cannot be nested"),
        ("😀ab${", 3, "never closed"),
    ])
    func malformed(text: String, offset: Int, message: String) {
        do {
            _ = try PlaceholderTemplate(parsing: text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.offset == offset)
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test("a scan reports each reference at its own file position")
    func scanPositions() throws {
        let document = try JSONDocument(parsing: Array("{\n  \"H\": \"api-key=${aws:secrets:qsl/otel:apiKey}\",\n  \"B\": \"${aws:bogus:x}\"\n}".utf8), file: "p.json")
        var configuration = LayeredConfiguration()
        configuration.add(try .json(document))
        let scan = ReferenceScan(configuration)
        #expect(scan.sites.count == 1)
        #expect(scan.sites.first?.location?.description == "p.json:2:17")
        #expect(scan.diagnostics.count == 1)
        #expect(scan.diagnostics.first?.location?.description == "p.json:3:9")
    }

    /// Regression (fuzz: placeholder): a `$<...>` reference whose text holds a `}` printed as
    /// `${...}`, which ends at that `}` and parses as something else.
    @Test("a reference prints as text that parses back to it", arguments: [
        "$<VAR:a}b>", "$<V:{\"json\":1}>", "${VAR:plain}", "${aws:secrets:qsl/db:password:AWSPREVIOUS}",
    ])
    func printsAsItself(_ text: String) throws {
        let reference = try #require(try references(text).first)
        #expect(try references(reference.description) == [reference])
    }
}
