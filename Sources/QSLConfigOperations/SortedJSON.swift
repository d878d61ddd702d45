#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfigCore

/// JSON text with sorted keys, as `JSONSerialization` wrote it with `.sortedKeys` (and
/// `.prettyPrinted`, `.withoutEscapingSlashes` where asked): the validation, migration and
/// rotation reports, and the JSON secrets rotation writes back. One difference, on purpose: a
/// number read from a secret is written back as it was written (`1.10`, `99999999999999.99`),
/// where `JSONSerialization` went through `Double` and changed it.
///
/// Why not `JSONSerialization`: it is not in FoundationEssentials, and the CLI would link the
/// whole of swift-corelibs-foundation (CoreFoundation, ICU data) for it; on Linux it also bridges
/// every dictionary and array to `NSDictionary` and `NSArray`, which took an eighth of a whole
/// `validate --format json` run over the platform's 22 services.
///
/// Values are strings, integers, booleans, arrays, `[String: Any]` objects and ``JSONValue``s
/// read from a secret.
enum SortedJSON {
    /// A report value, typed: nothing to box in `Any` and cast back. An object's members are
    /// written in key order; built in that order already (as the validation report's are), they
    /// are not sorted again.
    indirect enum Value {
        case string(String)
        case bool(Bool)
        case int(Int)
        case array([Value])
        case object([(key: String, value: Value)])
    }

    /// ``text(_:escapingSlashes:)`` for a typed value.
    static func text(_ value: Value) -> String {
        var writer = Writer(pretty: true, escapingSlashes: false)
        writer.out.reserveCapacity(4096)
        writer.write(value, indent: 0)
        writer.append("\n")
        return writer.text
    }

    /// A report: two-space indentation, `"key" : value`, and a final newline.
    static func text(_ object: Any, escapingSlashes: Bool = false) -> String {
        var writer = Writer(pretty: true, escapingSlashes: escapingSlashes)
        writer.out.reserveCapacity(4096)
        writer.write(object, indent: 0)
        writer.append("\n")
        return writer.text
    }

    /// One line with no spaces and slashes unescaped: a secret's value.
    static func compact(_ object: Any) -> String {
        var writer = Writer(pretty: false, escapingSlashes: false)
        writer.write(object, indent: 0)
        return writer.text
    }

    /// The members of the JSON object `text` by name, a repeated name's last value winning (as
    /// `JSONSerialization` read them); `nil` when `text` is not a JSON object.
    static func object(_ text: String) -> [String: JSONValue]? {
        JSONDocument.objectMembers(parsing: text, file: "secret")
    }

    /// Writes into bytes: a report is tens of thousands of small pieces, and appending each to a
    /// `String` cost more than all the rest of rendering it.
    struct Writer {
        var out: [UInt8] = []
        let pretty: Bool
        let escapingSlashes: Bool

        init(pretty: Bool, escapingSlashes: Bool) {
            self.pretty = pretty
            self.escapingSlashes = escapingSlashes
        }

        /// What was written, as text (the pieces are whole UTF-8 strings, so nothing is repaired).
        var text: String { String(decoding: out, as: UTF8.self) }

        mutating func append(_ text: String) {
            out.append(contentsOf: text.utf8)
        }

        mutating func write(_ value: Any, indent: Int) {
            switch value {
            case let string as String:
                quote(string)
            case let flag as Bool where type(of: value) == Bool.self:
                append(flag ? "true" : "false")
            case let number as Int:
                append(String(number))
            case let array as [Any]:
                writeArray(array.count, indent: indent) { writer, i in writer.write(array[i], indent: indent + 1) }
            case let object as [String: Any]:
                let members = Array(object)
                writeObject(members.map(\.key), indent: indent) { writer, i in writer.write(members[i].value, indent: indent + 1) }
            case let json as JSONValue:
                write(json, indent: indent)
            default:
                preconditionFailure("JSON reports hold only JSON-compatible values, not \(type(of: value))")
            }
        }

        mutating func write(_ value: JSONValue, indent: Int) {
            switch value.kind {
            case .string: quote(value.stringValue ?? "")
            // As written: the reader checked it is a JSON number, and a secret's other members
            // are kept as they were.
            case .number: append(value.sourceText)
            case .true: append("true")
            case .false: append("false")
            case .null: append("null")
            case .array:
                let elements = Array(value.children)
                writeArray(elements.count, indent: indent) { writer, i in writer.write(elements[i], indent: indent + 1) }
            case .object:
                var byName: [String: JSONValue] = [:]
                for (name, member) in value.members { byName[name] = member }
                let members = Array(byName)
                writeObject(members.map(\.key), indent: indent) { writer, i in writer.write(members[i].value, indent: indent + 1) }
            }
        }

        mutating func write(_ value: Value, indent: Int) {
            switch value {
            case .string(let string): quote(string)
            case .bool(let flag): append(flag ? "true" : "false")
            case .int(let number): append(String(number))
            case .array(let elements):
                writeArray(elements.count, indent: indent) { writer, i in writer.write(elements[i], indent: indent + 1) }
            case .object(let members):
                writeObject(members.map(\.key), indent: indent) { writer, i in writer.write(members[i].value, indent: indent + 1) }
            }
        }

        mutating func writeArray(_ count: Int, indent: Int, element: (inout Writer, Int) -> Void) {
            append("[")
            if pretty { append(count == 0 ? "\n\n" : "\n") }
            for i in 0..<count {
                if pretty { pad(indent + 1) }
                element(&self, i)
                if i < count - 1 { append(",") }
                if pretty { append("\n") }
            }
            if pretty { pad(indent) }
            append("]")
        }

        /// An object whose member `i` is named `names[i]` and written by `value`, in key order.
        mutating func writeObject(_ names: [String], indent: Int, value: (inout Writer, Int) -> Void) {
            let keys = names.map { Array($0.utf8) }
            let inOrder = zip(keys, keys.dropFirst()).allSatisfy { SortedJSON.compareKeys($0, $1) < 0 }
            let order = inOrder ? Array(keys.indices) : keys.indices.sorted { SortedJSON.compareKeys(keys[$0], keys[$1]) < 0 }
            append("{")
            if pretty { append(names.isEmpty ? "\n\n" : "\n") }
            for (position, i) in order.enumerated() {
                if pretty { pad(indent + 1) }
                quote(names[i])
                append(pretty ? " : " : ":")
                value(&self, i)
                if position < order.count - 1 { append(",") }
                if pretty { append("\n") }
            }
            if pretty { pad(indent) }
            append("}")
        }

        mutating func pad(_ level: Int) {
            for _ in 0..<level { append("  ") }
        }

        mutating func quote(_ text: String) {
            guard escapingSlashes, text.utf8.contains(UInt8(ascii: "/")) else {
                JSONStringEncoding.appendQuoted(text, to: &out)
                return
            }
            // `/` never comes out of an escape, so escaping it afterwards is safe.
            var quoted: [UInt8] = []
            JSONStringEncoding.appendQuoted(text, to: &quoted)
            for byte in quoted {
                if byte == UInt8(ascii: "/") { out.append(UInt8(ascii: "\\")) }
                out.append(byte)
            }
        }
    }

    // MARK: Key order

    /// `JSONSerialization`'s `.sortedKeys` order: `NSString.compare` with `.numeric`,
    /// `.caseInsensitive` and `.forcedOrdering` in the system locale, which on Linux is ICU's root
    /// collation. Exact for ASCII keys (a test compares random keys against Foundation):
    ///
    /// - Runs of digits compare by value (`k9` before `k10`).
    /// - Otherwise the first letters that differ other than in case decide, in the collation's
    ///   order: blanks, then punctuation and symbols (`_ - , ; : ! ? . ' " ( ) [ ] { } @ * / \ &
    ///   # % ` ^ + < = > | ~ $`), then digits, then letters.
    /// - A key that is the beginning of another comes first.
    /// - Keys equal so far are ordered by their first difference in case (lower case first) or
    ///   in the length of equal numbers (`k9` before `k09`), whichever comes first.
    ///
    /// Characters beyond ASCII (never in report keys) sort after the letters, by code point;
    /// ICU placed them among the letters they resemble (`é` after `e`).
    static func compareKeys(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var i = 0
        var j = 0
        var tie = 0
        while i < a.count, j < b.count {
            let x = a[i]
            let y = b[j]
            if isDigit(x), isDigit(y) {
                let (startI, startJ) = (i, j)
                var valueA: UInt64 = 0
                var valueB: UInt64 = 0
                // Wrapping, as Foundation's own digit loop does for numbers beyond 64 bits.
                while i < a.count, isDigit(a[i]) { valueA = valueA &* 10 &+ UInt64(a[i] - 0x30); i += 1 }
                while j < b.count, isDigit(b[j]) { valueB = valueB &* 10 &+ UInt64(b[j] - 0x30); j += 1 }
                if valueA != valueB { return valueA < valueB ? -1 : 1 }
                if tie == 0, i - startI != j - startJ { tie = i - startI < j - startJ ? -1 : 1 }
                continue
            }
            if x == y {
                i += 1
                j += 1
                continue
            }
            if lower(x) == lower(y) {
                if tie == 0 { tie = x > y ? -1 : 1 }  // lower case (the greater byte) first
                i += 1
                j += 1
                continue
            }
            let order = comparePrimary(a[i...], b[j...])
            return order != 0 ? order : (x < y ? -1 : 1)
        }
        if i < a.count { return 1 }
        if j < b.count { return -1 }
        return tie
    }

    /// The collation's first level from the first real difference on: digit runs by value,
    /// other characters by ``primaryRank``, control characters ignored.
    static func comparePrimary(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Int {
        var i = a.startIndex
        var j = b.startIndex
        while true {
            while i < a.endIndex, primaryRank[Int(a[i])] == 0 { i += 1 }
            while j < b.endIndex, primaryRank[Int(b[j])] == 0 { j += 1 }
            guard i < a.endIndex, j < b.endIndex else { return i < a.endIndex ? 1 : j < b.endIndex ? -1 : 0 }
            let (x, y) = (a[i], b[j])
            if isDigit(x), isDigit(y) {
                let runA = digitRun(a, from: &i)
                let runB = digitRun(b, from: &j)
                if runA.count != runB.count { return runA.count < runB.count ? -1 : 1 }
                if runA != runB { return runA.lexicographicallyPrecedes(runB) ? -1 : 1 }
                continue
            }
            let (rankX, rankY) = (primaryRank[Int(x)], primaryRank[Int(y)])
            if rankX != rankY { return rankX < rankY ? -1 : 1 }
            i += 1
            j += 1
        }
    }

    /// The digits from `index` on without leading zeros (`0` stays), `index` moved past them.
    static func digitRun(_ text: ArraySlice<UInt8>, from index: inout Int) -> ArraySlice<UInt8> {
        while index < text.endIndex - 1, text[index] == 0x30, isDigit(text[index + 1]) { index += 1 }
        let start = index
        while index < text.endIndex, isDigit(text[index]) { index += 1 }
        return text[start..<index]
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    static func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }

    /// ASCII in the root collation's order, letters as their lower case (0 = ignored); bytes
    /// beyond ASCII after the letters.
    static let primaryRank: [Int] = {
        let order = "\t\n\u{0B}\u{0C}\r _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz"
        var rank = [Int](repeating: 0, count: 256)
        for (position, byte) in order.utf8.enumerated() { rank[Int(byte)] = position + 1 }
        for upper in UInt8(ascii: "A")...UInt8(ascii: "Z") { rank[Int(upper)] = rank[Int(upper + 0x20)] }
        for byte in 0x80...0xFF { rank[byte] = 1000 + byte }
        return rank
    }()
}
