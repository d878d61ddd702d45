import QSLConfigRedis
import Testing

@Suite("RESP2 encoding and decoding")
struct RESPTests {
    @Test("a command is an array of bulk strings, lengths in bytes")
    func encodes() {
        #expect(String(decoding: RESP.encode(["AUTH", "qsl_app", "pä"]), as: UTF8.self) == "*3\r\n$4\r\nAUTH\r\n$7\r\nqsl_app\r\n$3\r\npä\r\n")
        #expect(String(decoding: RESP.encode(["SET", "k", ""]), as: UTF8.self) == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n")
    }

    static let replies: [(String, RESPValue)] = [
        ("+OK\r\n", .simpleString("OK")),
        ("-WRONGPASS invalid username-password pair\r\n", .error("WRONGPASS invalid username-password pair")),
        (":-42\r\n", .integer(-42)),
        ("$5\r\nhe\r\no\r\n", .bulkString(Array("he\r\no".utf8))),
        ("$0\r\n\r\n", .bulkString([])),
        ("$-1\r\n", .bulkString(nil)),
        ("*-1\r\n", .array(nil)),
        ("*0\r\n", .array([])),
        (
            "*4\r\n$5\r\nflags\r\n*1\r\n$2\r\non\r\n$9\r\npasswords\r\n*0\r\n",
            .array([.bulkString(Array("flags".utf8)), .array([.bulkString(Array("on".utf8))]), .bulkString(Array("passwords".utf8)), .array([])])
        ),
    ]

    @Test("each type decodes, and every strict prefix is incomplete rather than wrong", arguments: replies.indices)
    func decodes(_ index: Int) throws {
        let (text, expected) = Self.replies[index]
        let bytes = Array(text.utf8) + Array("+NEXT\r\n".utf8)
        let decoded = try #require(try RESP.decode(bytes[...]))
        #expect(decoded.value == expected)
        #expect(decoded.consumed == text.utf8.count)
        for cut in 0..<text.utf8.count {
            #expect(try RESP.decode(Array(text.utf8)[..<cut]) == nil, "prefix of \(cut) bytes")
        }
    }

    @Test("garbage is an error", arguments: ["?x\r\n", ":12a\r\n", "$abc\r\n", "$3\r\nabcXY", "*-5\r\n", "$-2\r\n"])
    func refuses(_ text: String) {
        #expect(throws: RESP.DecodeError.self) { try RESP.decode(Array(text.utf8)[...]) }
    }

    @Test("values read as text")
    func text() {
        #expect(RESPValue.bulkString(Array("PONG".utf8)).string == "PONG")
        #expect(RESPValue.integer(7).string == "7")
        #expect(RESPValue.bulkString(nil).string == nil)
        #expect(RESPValue.array([.integer(1)]).array == [.integer(1)])
    }
}
