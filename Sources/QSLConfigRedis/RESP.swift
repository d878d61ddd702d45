/// A RESP2 value: what a Redis server replies.
public enum RESPValue: Sendable, Equatable {
    case simpleString(String)
    /// `-ERR ...`: the server refused the command. The text is the server's, which may echo an
    /// argument; ``RedisConnection`` redacts the secrets of the command before showing it.
    case error(String)
    case integer(Int64)
    /// `$-1` is `.bulkString(nil)`.
    case bulkString([UInt8]?)
    /// `*-1` is `.array(nil)`.
    case array([RESPValue]?)

    /// The value as text: a simple or bulk string, or an integer.
    public var string: String? {
        switch self {
        case .simpleString(let text): text
        case .bulkString(let bytes?): String(decoding: bytes, as: UTF8.self)
        case .integer(let value): String(value)
        default: nil
        }
    }

    public var array: [RESPValue]? {
        if case .array(let values?) = self { values } else { nil }
    }
}

/// RESP2 encoding of commands and incremental decoding of replies.
public enum RESP {
    /// A command as an array of bulk strings.
    public static func encode(_ arguments: [String]) -> [UInt8] {
        var out = Array("*\(arguments.count)\r\n".utf8)
        for argument in arguments {
            let bytes = Array(argument.utf8)
            out += Array("$\(bytes.count)\r\n".utf8)
            out += bytes
            out += [0x0D, 0x0A]
        }
        return out
    }

    public enum DecodeError: Error, Equatable, CustomStringConvertible {
        case unknownType(UInt8)
        case malformed(String)

        public var description: String {
            switch self {
            case .unknownType(let byte): "RESP: unknown type byte 0x\(String(byte, radix: 16))"
            case .malformed(let what): "RESP: malformed \(what)"
            }
        }
    }

    /// Limits a reply must stay within (a confused peer must not make us allocate gigabytes).
    static let maxBulkLength = 512 * 1024 * 1024
    static let maxArrayCount = 1 << 24
    static let maxDepth = 64

    /// Decodes one value from the front of `buffer`: the value and the bytes it took, or `nil`
    /// when the buffer holds only part of one.
    public static func decode(_ buffer: ArraySlice<UInt8>) throws(DecodeError) -> (value: RESPValue, consumed: Int)? {
        var index = buffer.startIndex
        guard let value = try decode(buffer, at: &index, depth: 0) else { return nil }
        return (value, index - buffer.startIndex)
    }

    private static func line(_ buffer: ArraySlice<UInt8>, at index: inout Int) -> ArraySlice<UInt8>? {
        var i = index
        while i + 1 < buffer.endIndex {
            if buffer[i] == 0x0D, buffer[i + 1] == 0x0A {
                let line = buffer[index..<i]
                index = i + 2
                return line
            }
            i += 1
        }
        return nil
    }

    private static func integer(_ line: ArraySlice<UInt8>, _ what: String) throws(DecodeError) -> Int64 {
        guard let value = Int64(String(decoding: line, as: UTF8.self)) else { throw .malformed(what) }
        return value
    }

    private static func decode(_ buffer: ArraySlice<UInt8>, at index: inout Int, depth: Int) throws(DecodeError) -> RESPValue? {
        guard depth <= maxDepth else { throw .malformed("reply (nested too deep)") }
        guard index < buffer.endIndex else { return nil }
        let type = buffer[index]
        var i = index + 1
        guard let header = line(buffer, at: &i) else { return nil }
        switch type {
        case UInt8(ascii: "+"):
            index = i
            return .simpleString(String(decoding: header, as: UTF8.self))
        case UInt8(ascii: "-"):
            index = i
            return .error(String(decoding: header, as: UTF8.self))
        case UInt8(ascii: ":"):
            let value = try integer(header, "integer")
            index = i
            return .integer(value)
        case UInt8(ascii: "$"):
            let length = try integer(header, "bulk string length")
            if length == -1 {
                index = i
                return .bulkString(nil)
            }
            guard length >= 0, length <= maxBulkLength else { throw .malformed("bulk string length") }
            let count = Int(length)
            guard buffer.endIndex - i >= count + 2 else { return nil }
            guard buffer[i + count] == 0x0D, buffer[i + count + 1] == 0x0A else { throw .malformed("bulk string terminator") }
            let bytes = Array(buffer[i..<(i + count)])
            index = i + count + 2
            return .bulkString(bytes)
        case UInt8(ascii: "*"):
            let count = try integer(header, "array length")
            if count == -1 {
                index = i
                return .array(nil)
            }
            guard count >= 0, count <= maxArrayCount else { throw .malformed("array length") }
            var values: [RESPValue] = []
            values.reserveCapacity(Int(min(count, 1024)))
            for _ in 0..<count {
                guard let value = try decode(buffer, at: &i, depth: depth + 1) else { return nil }
                values.append(value)
            }
            index = i
            return .array(values)
        default:
            throw .unknownType(type)
        }
    }
}
