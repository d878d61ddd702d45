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
/// always an AWS reference, never a variable named `aws` with a default, and in any other case
/// (`${AWS:...}`) an error.
public struct PlaceholderTemplate: Sendable, Hashable {
    public enum Part: Sendable, Hashable {
        case literal(String)
        /// A reference and where it starts in the value (in Unicode scalars).
        case reference(PlaceholderReference, offset: Int)
    }

    public let parts: [Part]

    /// Whether `name` is a secret name a reference may carry: 1 to 512 of ASCII letters, digits
    /// and `/_+=.@-`, as Secrets Manager accepts them.
    public static func isSecretName(_ name: String) -> Bool { PlaceholderParser.isSecretName(name) }

    /// Whether `name` is a parameter name a reference may carry: 1 to 2048 of ASCII letters,
    /// digits and `/_.-`.
    public static func isParameterName(_ name: String) -> Bool { PlaceholderParser.isParameterName(name) }

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

    /// `text` written so that it parses back as one literal: each `${` and `$<` escaped as `$${`
    /// and `$$<`.
    ///
    /// ```swift
    /// PlaceholderTemplate.escapingLiteral("a${b")  // "a$${b"
    /// ```
    public static func escapingLiteral(_ text: String) -> String {
        guard mayContainReference(text) else { return text }
        return text.replacing("${", with: "$${").replacing("$<", with: "$$<")
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

    /// The error as said of the value of `key`. With `concealed` (a secret key: a malformed
    /// reference there may be the secret itself, a literal `${` in a password), it says what is
    /// wrong without quoting any of the value.
    public func message(inValueOf key: ConfigKey, concealed: Bool) -> String {
        switch (reason, concealed) {
        case (_, false):
            "\(message) (in the value of '\(key)')"
        case (.unknownKind, true):
            "the value of '\(key)' holds an ${aws:...} reference of an unknown kind; the kinds are 'secrets', 'parameter' and 'ssm' (the value is not shown: the key is secret)"
        case (.malformed, true):
            "the value of '\(key)' holds a malformed reference; write ${aws:secrets:NAME[:KEY]}, ${aws:parameter:/path} or ${VAR}, and a literal '${' as '$${' (the value is not shown: the key is secret)"
        }
    }
}

struct PlaceholderParser {
    /// The value's UTF-8 bytes. Every delimiter the grammar knows is ASCII, and an ASCII byte
    /// never occurs inside a multi-byte scalar, so the parser walks bytes and cuts only at
    /// scalar boundaries; offsets it reports are converted to scalars (what the API promises).
    let bytes: [UInt8]

    init(_ value: String) { bytes = Array(value.utf8) }

    func parse() throws(PlaceholderSyntaxError) -> [PlaceholderTemplate.Part] {
        let dollar = UInt8(ascii: "$"), openBrace = UInt8(ascii: "{"), openAngle = UInt8(ascii: "<")
        var parts: [PlaceholderTemplate.Part] = []
        var literal: [UInt8] = []
        literal.reserveCapacity(bytes.count)
        // Byte offsets are asked for in increasing order: one cursor counts the scalars (the
        // bytes that are not UTF-8 continuation bytes) up to each.
        var cursor = (byte: 0, scalar: 0)
        func scalarOffset(_ byte: Int) -> Int {
            while cursor.byte < byte {
                if bytes[cursor.byte] & 0xC0 != 0x80 { cursor.scalar += 1 }
                cursor.byte += 1
            }
            return cursor.scalar
        }
        func flush() {
            if !literal.isEmpty {
                parts.append(.literal(String(decoding: literal, as: UTF8.self)))
                literal.removeAll(keepingCapacity: true)
            }
        }
        func opens(_ byte: UInt8) -> Bool { byte == openBrace || byte == openAngle }
        let count = bytes.count
        var i = 0
        while i < count {
            let c = bytes[i]
            guard c == dollar, i + 1 < count else {
                literal.append(c)
                i += 1
                continue
            }
            let next = bytes[i + 1]
            if next == dollar, i + 2 < count, opens(bytes[i + 2]) {
                literal.append(dollar)
                literal.append(bytes[i + 2])
                i += 3
                continue
            }
            guard opens(next) else {
                literal.append(c)
                i += 1
                continue
            }
            let close = next == openBrace ? UInt8(ascii: "}") : UInt8(ascii: ">")
            var end = i + 2
            while end < count, bytes[end] != close {
                if bytes[end] == dollar, end + 1 < count, opens(bytes[end + 1]) {
                    throw PlaceholderSyntaxError(offset: scalarOffset(end), message: "references cannot be nested; write a literal '${' as '$${'")
                }
                end += 1
            }
            let offset = scalarOffset(i)
            guard end < count else {
                let open = Unicode.Scalar(next)
                throw PlaceholderSyntaxError(
                    offset: offset,
                    message: "this reference is never closed; expected '\(Unicode.Scalar(close))' (write a literal '$\(open)' as '$$\(open)')")
            }
            let body = String(decoding: bytes[(i + 2)..<end], as: UTF8.self)
            let reference = try Self.reference(body, offset: offset)
            flush()
            parts.append(.reference(reference, offset: offset))
            i = end + 1
        }
        flush()
        return parts
    }

    static func reference(_ body: String, offset: Int) throws(PlaceholderSyntaxError) -> PlaceholderReference {
        func fail(_ message: String) -> PlaceholderSyntaxError { PlaceholderSyntaxError(offset: offset, message: message) }
        guard !body.isEmpty else { throw fail("empty reference '${}'") }
        // `:` is ASCII: it is found among the bytes, and cuts only at scalar boundaries.
        let colonByte = UInt8(ascii: ":")
        if body.utf8.starts(with: "aws:".utf8) || body == "aws" {
            let rest = body[body.utf8.index(body.utf8.startIndex, offsetBy: min(4, body.utf8.count))...]
            guard let colon = rest.utf8.firstIndex(of: colonByte) else {
                throw fail("'${\(body)}' names no \(rest.isEmpty ? "kind" : "target"); write ${aws:secrets:NAME} or ${aws:parameter:/path}")
            }
            let kind = rest[..<colon]
            let target = String(rest[rest.utf8.index(after: colon)...])
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
        // Any other case of the reserved prefix is a mistyped AWS reference, never a variable
        // `AWS` whose default would be the reference's own text.
        if Self.startsWithAWSPrefix(body.utf8) {
            throw fail("'\(body.prefix(4))' is the reserved AWS prefix, written in lower case: ${aws:secrets:NAME} or ${aws:parameter:/path}")
        }
        var name = Substring(body)
        var defaultValue: String?
        if let colon = body.utf8.firstIndex(of: colonByte) {
            name = body[..<colon]
            defaultValue = String(body[body.utf8.index(after: colon)...])
        }
        guard isVariableName(name) else {
            throw fail("'\(name)' is not a valid environment variable name (letters, digits and '_', not starting with a digit)")
        }
        return .environment(EnvironmentReference(name: String(name), defaultValue: defaultValue))
    }

    static func secretReference(_ target: String, fail: (String) -> PlaceholderSyntaxError) throws(PlaceholderSyntaxError) -> SecretReference {
        guard !target.isEmpty else { throw fail("'${aws:secrets:}' names no secret") }
        let fields = ConfigKey.colonSeparated(target).map(String.init)
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
        if let stage, !isASCIIAlphanumeric(stage, or: "_-.") || stage.utf8.count > 256 {
            throw fail("'\(stage)' is not a valid staging label")
        }
        // Hex digits and letters: any ASCII letter, digit or `-`.
        if let versionId, !(versionId.utf8.count >= 32 && versionId.utf8.count <= 64 && isASCIIAlphanumeric(versionId, or: "-")) {
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
            let fields = ConfigKey.colonSeparated(target)
            guard fields.count >= 6, fields[2] == "ssm", fields[5].hasPrefix("parameter/") else {
                throw fail("'\(target)' is not an SSM parameter ARN (arn:aws:ssm:REGION:ACCOUNT:parameter/NAME)")
            }
            name = fields[0..<6].joined(separator: ":")
            if fields.count == 7 { selector = String(fields[6]) }
            if fields.count > 7 { throw fail("too many ':' fields in '\(target)'") }
        } else if let colon = target.utf8.lastIndex(of: UInt8(ascii: ":")) {
            name = String(target[..<colon])
            selector = String(target[target.utf8.index(after: colon)...])
            guard isParameterName(name) else {
                throw fail("'\(name)' is not a valid parameter name (letters, digits and ._-/)")
            }
        }
        if !name.hasPrefix("arn:"), !isParameterName(name) {
            throw fail("'\(name)' is not a valid parameter name (letters, digits and ._-/)")
        }
        if let selector {
            guard !selector.isEmpty, isASCIIAlphanumeric(selector, or: "_.-") else {
                throw fail("'\(selector)' is not a parameter version or label")
            }
        }
        return ParameterReference(name: name, selector: selector)
    }

    static func isVariableName(_ name: Substring) -> Bool {
        guard let first = name.utf8.first, isASCIILetter(first) || first == UInt8(ascii: "_") else { return false }
        return isASCIIAlphanumeric(name, or: "_.")
    }

    /// Whether a reference's body starts with the reserved `aws:`, in any case: the one test the
    /// parser (which refuses any other case) and the credential scanner (which never reads such a
    /// body as a variable's default) share.
    static func startsWithAWSPrefix<Bytes: Collection<UInt8>>(_ body: Bytes) -> Bool {
        var expected = "aws:".utf8.makeIterator()
        var count = 0
        for byte in body.prefix(4) {
            let lower = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
            guard lower == expected.next() else { return false }
            count += 1
        }
        return count == 4
    }

    static func isSecretName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 512 && isASCIIAlphanumeric(name, or: "/_+=.@-")
    }

    static func isParameterName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 2048 && isASCIIAlphanumeric(name, or: "/_.-")
    }

    /// Whether every byte of `text` is an ASCII letter, an ASCII digit or one of `punctuation`.
    /// The same answer as asking each Character for `isASCII` and then `isLetter`, `isNumber`
    /// or one of `punctuation`: only single ASCII scalars pass that (the one two-scalar ASCII
    /// Character, CR LF, is none of them), so when this holds `utf8.count` is also the
    /// Character count the length limits speak of.
    static func isASCIIAlphanumeric<S: StringProtocol>(_ text: S, or punctuation: StaticString) -> Bool {
        let allowed = UnsafeBufferPointer(start: punctuation.utf8Start, count: punctuation.utf8CodeUnitCount)
        return text.utf8.allSatisfy { isASCIILetter($0) || ($0 >= 0x30 && $0 <= 0x39) || allowed.contains($0) }
    }

    static func isASCIILetter(_ byte: UInt8) -> Bool { (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) }
}
