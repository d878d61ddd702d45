/// An exact decimal number, read from JSON number text.
///
/// JSON Schema compares numbers mathematically: `1.0` equals `1`, `1e308` is an integer and
/// `0.0075` divides `0.0225`. Binary floating point gets these wrong, and Foundation's `Decimal`
/// stops at 38 digits and exponent 127, so the validator keeps the decimal digits themselves.
/// Typical values (up to 18 digits) take a fast path on `UInt64`.
struct SchemaNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// True for values below zero (zero is never negative).
    private(set) var negative: Bool
    /// The significant digits, most significant first, without leading or trailing zeros; empty
    /// for zero.
    private(set) var digits: [UInt8]
    /// The value is `digits × 10^exponent`.
    private(set) var exponent: Int

    /// Exponents beyond this are clamped; no configuration value comes near and clamping keeps
    /// arithmetic on `Int` safe for hostile input.
    private static let exponentLimit = 1_000_000_000_000

    init(negative: Bool, digits: [UInt8], exponent: Int) {
        var digits = digits
        var exponent = exponent
        let firstNonZero = digits.firstIndex(where: { $0 != 0 }) ?? digits.count
        if firstNonZero > 0 { digits.removeFirst(firstNonZero) }
        while let last = digits.last, last == 0 {
            digits.removeLast()
            exponent += 1
        }
        self.digits = digits
        self.exponent = digits.isEmpty ? 0 : exponent
        self.negative = digits.isEmpty ? false : negative
    }

    /// Reads JSON number text (`-12.5e3`); `nil` when the text is not a JSON number.
    init?(jsonText text: some StringProtocol) {
        var digits: [UInt8] = []
        digits.reserveCapacity(text.utf8.count)
        var negative = false
        var fractionDigits = 0
        var exponent = 0
        var sawDigit = false
        var iterator = text.utf8.makeIterator()
        var c = iterator.next()
        if c == UInt8(ascii: "-") {
            negative = true
            c = iterator.next()
        }
        // Integer part.
        guard let first = c, first >= 0x30, first <= 0x39 else { return nil }
        if first == 0x30 {
            sawDigit = true
            c = iterator.next()
            if let next = c, next >= 0x30, next <= 0x39 { return nil }  // leading zero
        } else {
            while let d = c, d >= 0x30, d <= 0x39 {
                digits.append(d - 0x30)
                sawDigit = true
                c = iterator.next()
            }
        }
        if c == UInt8(ascii: ".") {
            c = iterator.next()
            var any = false
            while let d = c, d >= 0x30, d <= 0x39 {
                digits.append(d - 0x30)
                fractionDigits += 1
                any = true
                c = iterator.next()
            }
            guard any else { return nil }
        }
        if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            c = iterator.next()
            var exponentNegative = false
            if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
                exponentNegative = c == UInt8(ascii: "-")
                c = iterator.next()
            }
            var any = false
            while let d = c, d >= 0x30, d <= 0x39 {
                if exponent < SchemaNumber.exponentLimit { exponent = exponent * 10 + Int(d - 0x30) }
                any = true
                c = iterator.next()
            }
            guard any else { return nil }
            if exponentNegative { exponent = -exponent }
        }
        guard sawDigit, c == nil else { return nil }
        self.init(negative: negative, digits: digits, exponent: exponent - fractionDigits)
    }

    var isZero: Bool { digits.isEmpty }

    /// Whether the value has no fractional part (`1.0` and `1e3` are integers).
    var isInteger: Bool { exponent >= 0 }

    /// The value as an `Int`, clamped to `Int`'s range, fractions truncated; for keyword values
    /// such as `maxLength` that count things.
    var clampedInt: Int {
        if digits.isEmpty { return 0 }
        if digits.count + exponent > 18 { return negative ? Int.min : Int.max }
        var value = 0
        for (i, d) in digits.enumerated() where i < digits.count + exponent {
            value = value * 10 + Int(d)
        }
        if exponent > 0 { for _ in 0..<exponent { value *= 10 } }
        return negative ? -value : value
    }

    /// Canonical text: the shortest plain or exponent form.
    var description: String {
        if digits.isEmpty { return "0" }
        let text = String(decoding: digits.map { $0 + 0x30 }, as: UTF8.self)
        let sign = negative ? "-" : ""
        if exponent >= 0 && exponent <= 21 {
            return sign + text + String(repeating: "0", count: exponent)
        }
        if exponent < 0 && -exponent < digits.count {
            let point = digits.count + exponent
            return sign + String(text.prefix(point)) + "." + String(text.dropFirst(point))
        }
        if exponent < 0 && digits.count - exponent <= 24 {
            return sign + "0." + String(repeating: "0", count: -exponent - digits.count) + text
        }
        let mantissa = digits.count > 1 ? String(text.prefix(1)) + "." + String(text.dropFirst()) : text
        return sign + mantissa + "e" + String(exponent + digits.count - 1)
    }

    static func < (lhs: SchemaNumber, rhs: SchemaNumber) -> Bool {
        if lhs.negative != rhs.negative { return lhs.negative }
        let order = compareMagnitude(lhs, rhs)
        return lhs.negative ? order > 0 : order < 0
    }

    /// -1, 0 or 1 as |lhs| is below, equal to or above |rhs|.
    private static func compareMagnitude(_ lhs: SchemaNumber, _ rhs: SchemaNumber) -> Int {
        if lhs.digits.isEmpty || rhs.digits.isEmpty {
            return lhs.digits.isEmpty ? (rhs.digits.isEmpty ? 0 : -1) : 1
        }
        // Position of the most significant digit decides first.
        let lhsOrder = lhs.digits.count + lhs.exponent
        let rhsOrder = rhs.digits.count + rhs.exponent
        if lhsOrder != rhsOrder { return lhsOrder < rhsOrder ? -1 : 1 }
        let common = min(lhs.digits.count, rhs.digits.count)
        for i in 0..<common where lhs.digits[i] != rhs.digits[i] {
            return lhs.digits[i] < rhs.digits[i] ? -1 : 1
        }
        // Neither has trailing zeros, so the one with more digits is larger.
        if lhs.digits.count == rhs.digits.count { return 0 }
        return lhs.digits.count < rhs.digits.count ? -1 : 1
    }

    /// Whether `self / divisor` is an integer; `divisor` must be above zero.
    func isMultiple(of divisor: SchemaNumber) -> Bool {
        if digits.isEmpty { return true }
        if divisor.digits.isEmpty { return false }
        let shift = exponent - divisor.exponent
        // With shift < 0, divisor.digits × 10^(-shift) would have to divide self.digits, so 10
        // would; but digits carry no trailing zeros.
        guard shift >= 0 else { return false }
        // divisor | self.digits × 10^shift. Writing divisor = 2^x·5^y·c with c coprime to 10,
        // only c must divide self.digits once shift >= max(x, y), and x, y < 4·(digit count),
        // so the shift can be capped without changing the answer.
        let cappedShift = min(shift, 4 * divisor.digits.count + 4)
        var remainder = Self.remainder(digits, divisor.digits)
        for _ in 0..<cappedShift {
            if remainder.isEmpty { return true }
            remainder = Self.remainder(remainder + [0], divisor.digits)
        }
        return remainder.isEmpty
    }

    /// `a mod m` on decimal digit arrays (most significant first, no leading zeros); the result
    /// has no leading zeros (empty for zero).
    private static func remainder(_ a: [UInt8], _ m: [UInt8]) -> [UInt8] {
        if a.count <= 18 && m.count <= 18 {
            let result = value(a) % value(m)
            return result == 0 ? [] : digitsOf(result)
        }
        var r: [UInt8] = []
        for d in a {
            if !(r.isEmpty && d == 0) { r.append(d) }
            while compareDigits(r, m) >= 0 { subtract(&r, m) }
        }
        return r
    }

    private static func value(_ digits: [UInt8]) -> UInt64 {
        var v: UInt64 = 0
        for d in digits { v = v * 10 + UInt64(d) }
        return v
    }

    private static func digitsOf(_ value: UInt64) -> [UInt8] {
        var v = value
        var out: [UInt8] = []
        while v > 0 {
            out.append(UInt8(v % 10))
            v /= 10
        }
        return out.reversed()
    }

    private static func compareDigits(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        for i in 0..<a.count where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        return 0
    }

    /// a -= b, with a >= b.
    private static func subtract(_ a: inout [UInt8], _ b: [UInt8]) {
        var borrow: Int = 0
        var i = a.count - 1
        var j = b.count - 1
        while i >= 0 {
            var d = Int(a[i]) - borrow - (j >= 0 ? Int(b[j]) : 0)
            if d < 0 {
                d += 10
                borrow = 1
            } else {
                borrow = 0
            }
            a[i] = UInt8(d)
            i -= 1
            j -= 1
        }
        let firstNonZero = a.firstIndex(where: { $0 != 0 }) ?? a.count
        if firstNonZero > 0 { a.removeFirst(firstNonZero) }
    }
}

extension SchemaNumber {
    /// Reads a number the way configuration binders do with invariant culture: an optional sign
    /// (`+` too), digits with leading zeros allowed, an optional fraction and exponent.
    /// `nil` for anything else (including empty text, `NaN`, hex).
    init?(lenientText text: String) {
        var body = Substring(text)
        var negative = false
        if let sign = body.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        let mantissaEnd = body.firstIndex(where: { $0 == "e" || $0 == "E" }) ?? body.endIndex
        let mantissa = body[..<mantissaEnd]
        let parts = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integerPart = parts.first ?? ""
        let fractionPart = parts.count > 1 ? parts[1] : ""
        guard !(integerPart.isEmpty && fractionPart.isEmpty),
            (integerPart + fractionPart).allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        // Rewritten as JSON number text: no leading zeros, at least one integer digit.
        let integerDigits = integerPart.drop(while: { $0 == "0" })
        var normalized = (negative ? "-" : "") + (integerDigits.isEmpty ? "0" : String(integerDigits))
        if !fractionPart.isEmpty { normalized += "." + fractionPart }
        if mantissaEnd < body.endIndex { normalized += body[mantissaEnd...] }
        self.init(jsonText: normalized)
    }
}
