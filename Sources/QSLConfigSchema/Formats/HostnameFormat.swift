/// Host names as RFC 1123 §2.1 defines them (letters, digits and hyphens; labels of 1–63
/// characters not starting or ending with a hyphen; 253 characters in all, no trailing dot),
/// where labels starting `xn--` must also be valid IDNA2008 A-labels: valid Punycode whose
/// decoded U-label passes RFC 5891 §5.4 and the code point rules of RFC 5892 (contextual rules
/// included).
///
/// Two simplifications, because the standard library has no data for them: Unicode scripts and
/// Arabic joining types are approximated by block ranges, and the Bidi rule of RFC 5893 and the
/// NFC check are not applied.
enum HostnameFormat {
    static func isHostname(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        for label in bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard isLDHLabel(label) else { return false }
            if label.count >= 4, label.prefix(4).map({ $0 | 0x20 }) == Array("xn--".utf8) {
                guard isALabel(label.dropFirst(4)) else { return false }
            }
        }
        return true
    }

    private static func isLDHLabel(_ label: ArraySlice<UInt8>) -> Bool {
        guard !label.isEmpty, label.count <= 63,
            label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-")
        else { return false }
        return label.allSatisfy { FormatChecker.isAlpha($0) || FormatChecker.isDigit($0) || $0 == UInt8(ascii: "-") }
    }

    /// `encoded` is the part after `xn--`.
    private static func isALabel(_ encoded: ArraySlice<UInt8>) -> Bool {
        guard let decoded = Punycode.decode(encoded), !decoded.isEmpty else { return false }
        return isULabel(decoded)
    }

    // MARK: RFC 5891 §5.4 and RFC 5892

    static func isULabel(_ label: [Unicode.Scalar]) -> Bool {
        if label.count >= 4, label[2] == "-", label[3] == "-" { return false }
        if label.first == "-" || label.last == "-" { return false }
        if let first = label.first, isMark(first) { return false }
        for (i, scalar) in label.enumerated() {
            switch status(of: scalar) {
            case .pvalid:
                continue
            case .disallowed:
                return false
            case .contextJ:
                guard contextJAllows(label, at: i) else { return false }
            case .contextO:
                guard contextOAllows(label, at: i) else { return false }
            }
        }
        return true
    }

    private enum Status { case pvalid, disallowed, contextJ, contextO }

    private static func status(of scalar: Unicode.Scalar) -> Status {
        let v = scalar.value
        // RFC 5892 §2.6 exceptions.
        switch v {
        case 0x00DF, 0x03C2, 0x06FD, 0x06FE, 0x0F0B, 0x3007: return .pvalid
        case 0x00B7, 0x0375, 0x05F3, 0x05F4, 0x30FB, 0x0660...0x0669, 0x06F0...0x06F9: return .contextO
        case 0x0640, 0x07FA, 0x302E, 0x302F, 0x3031...0x3035, 0x303B: return .disallowed
        case 0x200C, 0x200D: return .contextJ
        default: break
        }
        let properties = scalar.properties
        if properties.generalCategory == .unassigned { return .disallowed }
        if (0x61...0x7A).contains(v) || (0x30...0x39).contains(v) || v == 0x2D { return .pvalid }
        if properties.changesWhenNFKCCaseFolded { return .disallowed }
        if properties.isDefaultIgnorableCodePoint || properties.isWhitespace || properties.isNoncharacterCodePoint { return .disallowed }
        // Ignorable blocks and old Hangul jamo.
        if (0x20D0...0x20FF).contains(v) || (0x1D100...0x1D24F).contains(v) { return .disallowed }
        if (0x1100...0x11FF).contains(v) || (0xA960...0xA97F).contains(v) || (0xD7B0...0xD7FF).contains(v) { return .disallowed }
        switch properties.generalCategory {
        case .lowercaseLetter, .uppercaseLetter, .otherLetter, .decimalNumber, .modifierLetter, .nonspacingMark, .spacingMark:
            return .pvalid
        default:
            return .disallowed
        }
    }

    private static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }

    private static func isVirama(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.canonicalCombiningClass.rawValue == 9
    }

    /// RFC 5892 appendix A.1 and A.2.
    private static func contextJAllows(_ label: [Unicode.Scalar], at i: Int) -> Bool {
        if i > 0, isVirama(label[i - 1]) { return true }
        guard label[i] == "\u{200C}" else { return false }
        // (Joining_Type:{L,D})(Joining_Type:T)* ZWNJ (Joining_Type:T)*(Joining_Type:{R,D})
        var before = i - 1
        while before >= 0, joiningType(label[before]) == .transparent { before -= 1 }
        guard before >= 0, [.left, .dual].contains(joiningType(label[before])) else { return false }
        var after = i + 1
        while after < label.count, joiningType(label[after]) == .transparent { after += 1 }
        return after < label.count && [.right, .dual].contains(joiningType(label[after]))
    }

    /// RFC 5892 appendix A.3 to A.9.
    private static func contextOAllows(_ label: [Unicode.Scalar], at i: Int) -> Bool {
        let v = label[i].value
        switch v {
        case 0x00B7:
            return i > 0 && i + 1 < label.count && label[i - 1] == "l" && label[i + 1] == "l"
        case 0x0375:
            return i + 1 < label.count && isGreek(label[i + 1])
        case 0x05F3, 0x05F4:
            return i > 0 && isHebrew(label[i - 1])
        case 0x30FB:
            return label.contains { $0.value != 0x30FB && (isHiragana($0) || isKatakana($0) || isHan($0)) }
        case 0x0660...0x0669:
            return !label.contains { (0x06F0...0x06F9).contains($0.value) }
        case 0x06F0...0x06F9:
            return !label.contains { (0x0660...0x0669).contains($0.value) }
        default:
            return false
        }
    }

    // MARK: Approximate Unicode data

    private static func isGreek(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return ((0x0370...0x03FF).contains(v) && ![0x0374, 0x037E, 0x0385, 0x0387].contains(v) && !(0x03E2...0x03EF).contains(v))
            || (0x1F00...0x1FFF).contains(v) || (0x1D26...0x1D2A).contains(v) || (0x10140...0x1018F).contains(v)
    }

    private static func isHebrew(_ s: Unicode.Scalar) -> Bool {
        (0x0591...0x05F4).contains(s.value) || (0xFB1D...0xFB4F).contains(s.value)
    }

    private static func isHiragana(_ s: Unicode.Scalar) -> Bool {
        (0x3041...0x309F).contains(s.value) || (0x1B001...0x1B11F).contains(s.value)
    }

    private static func isKatakana(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return (0x30A1...0x30FF).contains(v) || (0x31F0...0x31FF).contains(v) || (0x32D0...0x32FE).contains(v)
            || (0x3300...0x3357).contains(v) || (0xFF66...0xFF9D).contains(v) || v == 0x1B000
    }

    private static func isHan(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return (0x2E80...0x2FD5).contains(v) || v == 0x3005 || v == 0x3007 || (0x3021...0x3029).contains(v)
            || (0x3038...0x303B).contains(v) || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0x20000...0x3134F).contains(v)
    }

    private enum JoiningType { case transparent, left, right, dual, none }

    /// Arabic joining types (DerivedJoiningType.txt) for the Arabic block; marks and format
    /// characters are transparent; everything else does not join.
    private static func joiningType(_ s: Unicode.Scalar) -> JoiningType {
        let v = s.value
        switch s.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return v == 0x200C || v == 0x200D ? .none : .transparent
        default: break
        }
        let right: [ClosedRange<UInt32>] = [
            0x0622...0x0625, 0x0627...0x0627, 0x0629...0x0629, 0x062F...0x0632, 0x0648...0x0648,
            0x0671...0x0673, 0x0675...0x0677, 0x0688...0x0699, 0x06C0...0x06C0, 0x06C3...0x06CB,
            0x06CD...0x06CD, 0x06CF...0x06CF, 0x06D2...0x06D3, 0x06D5...0x06D5, 0x06EE...0x06EF,
        ]
        let dual: [ClosedRange<UInt32>] = [
            0x0620...0x0620, 0x0626...0x0626, 0x0628...0x0628, 0x062A...0x062E, 0x0633...0x063F,
            0x0641...0x0647, 0x0649...0x064A, 0x066E...0x066F, 0x0678...0x0687, 0x069A...0x06BF,
            0x06C1...0x06C2, 0x06CC...0x06CC, 0x06CE...0x06CE, 0x06D0...0x06D1, 0x06FA...0x06FC,
            0x06FF...0x06FF,
        ]
        if right.contains(where: { $0.contains(v) }) { return .right }
        if dual.contains(where: { $0.contains(v) }) { return .dual }
        return .none
    }
}
