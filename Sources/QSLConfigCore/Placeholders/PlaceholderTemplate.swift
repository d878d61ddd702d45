/// A configuration value split into literal text and `${...}` references.
///
/// The grammar (the README documents it with examples):
///
/// ```text
/// ${aws:secrets:NAME}                      whole SecretString
/// ${aws:secrets:NAME:JSONKEY}              one top-level key of a JSON secret
/// ${aws:secrets:ARN[:JSONKEY]}             NAME may be a full secret ARN
/// ${aws:secrets:./NAME[:JSONKEY]}          NAME under the configuration's AWS:SecretsManagerPrefix
/// ${aws:secrets:NAME:JSONKEY:STAGE}        pinned to a staging label (JSONKEY may be empty)
/// ${aws:secrets:NAME:JSONKEY:STAGE:VERSIONID}
/// ${aws:parameter:/path[:SELECTOR]}        SSM parameter; SELECTOR is a version or a label
/// ${aws:ssm:/path}                         same as aws:parameter
/// ${VAR} ${VAR:default}                    process environment variable
/// $<...>                                   alias of ${...}
/// $${  $$<                                 a literal ${ or $<
/// ```
///
/// References may sit anywhere inside a longer string. `aws:` is reserved: `${aws:...}` is
/// always an AWS reference, never a variable named `aws` with a default.
public struct PlaceholderTemplate: Sendable, Hashable {
    public enum Part: Sendable, Hashable {
        case literal(String)
        /// A reference and where it starts in the value (in Unicode scalars).
        case reference(PlaceholderReference, offset: Int)
    }

    public let parts: [Part]

    /// Every reference, in order of appearance.
    public var references: [PlaceholderReference] {
        parts.compactMap {
            if case .reference(let reference, _) = $0 { return reference }
            return nil
        }
    }

    /// The template with every relative secret reference (`./NAME`) made absolute under `prefix`.
    public func resolvingRelativeSecrets(under prefix: String) -> PlaceholderTemplate {
        PlaceholderTemplate(
            parts: parts.map { part in
                guard case .reference(.secret(let secret), let offset) = part, secret.isRelative else { return part }
                return .reference(.secret(secret.resolvingRelative(under: prefix)), offset: offset)
            })
    }

    init(parts: [Part]) {
        self.parts = parts
    }

    /// Whether the value is exactly one reference with nothing around it.
    public var isSingleReference: Bool {
        parts.count == 1 && references.count == 1
    }

    /// Parses a value. Returns a template with a single literal part when the value holds no `$`.
    ///
    /// - Throws: ``PlaceholderSyntaxError`` for a malformed reference or an unknown `aws:` kind.
    public init(parsing value: String) throws(PlaceholderSyntaxError) {
        guard value.utf8.contains(UInt8(ascii: "$")) else {
            parts = [.literal(value)]
            return
        }
        parts = try PlaceholderParser(value).parse()
    }

    /// Whether `value` may hold a reference (a fast check that needs no parsing).
    public static func mayContainReference(_ value: String) -> Bool {
        value.utf8.contains(UInt8(ascii: "$"))
    }

    /// Builds the final value, asking `lookup` for the text of each reference.
    public func render<E: Error>(_ lookup: (PlaceholderReference) throws(E) -> String) throws(E) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let text): out += text
            case .reference(let reference, _): out += try lookup(reference)
            }
        }
        return out
    }

    /// The value with literal escapes undone and references kept in their canonical spelling.
    public var canonicalText: String {
        render { (reference: PlaceholderReference) -> String in reference.description }
    }
}

/// A malformed reference: what is wrong and where in the value it starts (in Unicode scalars).
public struct PlaceholderSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why the reference was refused.
    public enum Reason: Sendable, Hashable {
        /// Unclosed, empty, nested, or a name or field that the grammar does not allow.
        case malformed
        /// `${aws:KIND:...}` with a KIND other than `secrets`, `parameter` and `ssm`.
        case unknownKind
    }

    public var offset: Int
    public var message: String
    public var reason: Reason

    public init(offset: Int, message: String, reason: Reason = .malformed) {
        self.offset = offset
        self.message = message
        self.reason = reason
    }

    public var description: String { message }
}

struct PlaceholderParser {
    let scalars: [Unicode.Scalar]

    init(_ value: String) { scalars = Array(value.unicodeScalars) }

    func parse() throws(PlaceholderSyntaxError) -> [PlaceholderTemplate.Part] {
        var parts: [PlaceholderTemplate.Part] = []
        var literal = String.UnicodeScalarView()
        var i = 0
        func flush() {
            if !literal.isEmpty {
                parts.append(.literal(String(literal)))
                literal = String.UnicodeScalarView()
            }
        }
        while i < scalars.count {
            let c = scalars[i]
            guard c == "$", i + 1 < scalars.count else {
                literal.append(c)
                i += 1
                continue
            }
            let next = scalars[i + 1]
            if next == "$", i + 2 < scalars.count, scalars[i + 2] == "{" || scalars[i + 2] == "<" {
                literal.append("$")
                literal.append(scalars[i + 2])
                i += 3
                continue
            }
            guard next == "{" || next == "<" else {
                literal.append(c)
                i += 1
                continue
            }
            let close: Unicode.Scalar = next == "{" ? "}" : ">"
            var end = i + 2
            while end < scalars.count, scalars[end] != close {
                if scalars[end] == "$", end + 1 < scalars.count, scalars[end + 1] == "{" || scalars[end + 1] == "<" {
                    throw PlaceholderSyntaxError(offset: end, message: "references cannot be nested; write a literal '${' as '$${'")
                }
                end += 1
            }
            guard end < scalars.count else {
                throw PlaceholderSyntaxError(
                    offset: i,
                    message: "this reference is never closed; expected '\(close)' (write a literal '$\(next)' as '$$\(next)')")
            }
            let body = String(String.UnicodeScalarView(scalars[(i + 2)..<end]))
            let reference = try Self.reference(body, offset: i)
            flush()
            parts.append(.reference(reference, offset: i))
            i = end + 1
        }
        flush()
        return parts
    }

    static func reference(_ body: String, offset: Int) throws(PlaceholderSyntaxError) -> PlaceholderReference {
        func fail(_ message: String) -> PlaceholderSyntaxError { PlaceholderSyntaxError(offset: offset, message: message) }
        guard !body.isEmpty else { throw fail("empty reference '${}'") }
        if body.hasPrefix("aws:") || body == "aws" {
            let rest = body.dropFirst(4)
            guard let colon = rest.firstIndex(of: ":") else {
                throw fail("'${\(body)}' names no \(rest.isEmpty ? "kind" : "target"); write ${aws:secrets:NAME} or ${aws:parameter:/path}")
            }
            let kind = rest[..<colon]
            let target = String(rest[rest.index(after: colon)...])
            switch kind {
            case "secrets":
                return .secret(try secretReference(target, fail: fail))
            case "parameter", "ssm":
                return .parameter(try parameterReference(target, fail: fail))
            default:
                throw PlaceholderSyntaxError(
                    offset: offset, message: "unknown aws reference kind '\(kind)'; the kinds are 'secrets', 'parameter' and 'ssm'",
                    reason: .unknownKind)
            }
        }
        var name = Substring(body)
        var defaultValue: String?
        if let colon = body.firstIndex(of: ":") {
            name = body[..<colon]
            defaultValue = String(body[body.index(after: colon)...])
        }
        guard isVariableName(name) else {
            throw fail("'\(name)' is not a valid environment variable name (letters, digits and '_', not starting with a digit)")
        }
        return .environment(EnvironmentReference(name: String(name), defaultValue: defaultValue))
    }

    static func secretReference(_ target: String, fail: (String) -> PlaceholderSyntaxError) throws(PlaceholderSyntaxError) -> SecretReference {
        guard !target.isEmpty else { throw fail("'${aws:secrets:}' names no secret") }
        let fields = target.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let idFieldCount: Int
        if target.hasPrefix("arn:") {
            // arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME
            guard fields.count >= 7, fields[2] == "secretsmanager", fields[5] == "secret", !fields[6].isEmpty,
                !fields[1].isEmpty, !fields[3].isEmpty, fields[4].count == 12, fields[4].allSatisfy(\.isNumber)
            else {
                throw fail("'\(target)' is not a Secrets Manager ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME)")
            }
            idFieldCount = 7
        } else {
            idFieldCount = 1
        }
        let secretId = fields[0..<idFieldCount].joined(separator: ":")
        let name = idFieldCount == 7 ? fields[6] : secretId
        guard isSecretName(name) else {
            throw fail("'\(name)' is not a valid secret name (1 to 512 of letters, digits and /_+=.@-)")
        }
        let extra = Array(fields[idFieldCount...])
        guard extra.count <= 3 else {
            throw fail("too many ':' fields in '\(target)'; the form is NAME:JSONKEY:STAGE:VERSIONID")
        }
        func field(_ index: Int) -> String? {
            index < extra.count && !extra[index].isEmpty ? extra[index] : nil
        }
        let stage = field(1)
        let versionId = field(2)
        if let stage, !stage.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) }) || stage.count > 256 {
            throw fail("'\(stage)' is not a valid staging label")
        }
        if let versionId, !(versionId.count >= 32 && versionId.count <= 64 && versionId.allSatisfy({ $0.isASCII && ($0.isHexDigit || $0 == "-" || $0.isLetter) })) {
            throw fail("'\(versionId)' is not a valid secret version id (32 to 64 characters)")
        }
        return SecretReference(secretId: secretId, jsonKey: field(0), versionStage: stage, versionId: versionId)
    }

    static func parameterReference(_ target: String, fail: (String) -> PlaceholderSyntaxError) throws(PlaceholderSyntaxError) -> ParameterReference {
        guard !target.isEmpty else { throw fail("'${aws:parameter:}' names no parameter") }
        var name = target
        var selector: String?
        if target.hasPrefix("arn:") {
            // arn:PARTITION:ssm:REGION:ACCOUNT:parameter/NAME[:SELECTOR]
            let fields = target.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 6, fields[2] == "ssm", fields[5].hasPrefix("parameter/") else {
                throw fail("'\(target)' is not an SSM parameter ARN (arn:aws:ssm:REGION:ACCOUNT:parameter/NAME)")
            }
            name = fields[0..<6].joined(separator: ":")
            if fields.count == 7 { selector = String(fields[6]) }
            if fields.count > 7 { throw fail("too many ':' fields in '\(target)'") }
        } else if let colon = target.lastIndex(of: ":") {
            name = String(target[..<colon])
            selector = String(target[target.index(after: colon)...])
            guard isParameterName(name) else {
                throw fail("'\(name)' is not a valid parameter name (letters, digits and ._-/)")
            }
        }
        if !name.hasPrefix("arn:"), !isParameterName(name) {
            throw fail("'\(name)' is not a valid parameter name (letters, digits and ._-/)")
        }
        if let selector {
            guard !selector.isEmpty, selector.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }) else {
                throw fail("'\(selector)' is not a parameter version or label")
            }
        }
        return ParameterReference(name: name, selector: selector)
    }

    static func isVariableName(_ name: Substring) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter || first == "_" else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") }
    }

    static func isSecretName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 512 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "/_+=.@-".contains($0)) }
    }

    static func isParameterName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 2048 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "/_.-".contains($0)) }
    }
}
