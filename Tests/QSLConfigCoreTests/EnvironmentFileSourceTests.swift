import QSLConfigCore
import Testing

@Suite("environment files (--env-file)")
struct EnvironmentFileSourceTests {
    @Test("a UTF-8 byte order mark before the first name is dropped, and positions still count from the file's first byte")
    func byteOrderMark() throws {
        let layer = try EnvironmentFileSource().layer(parsing: [0xEF, 0xBB, 0xBF] + Array("Db__Host=h\nDb__Port=1\n".utf8), file: "x.env")
        #expect(layer["Db:Host"]?.value == "h")
        #expect(layer["Db:Port"]?.value == "1")
        #expect(layer.orderedEntries.map(\.key.spelling) == ["Db:Host", "Db:Port"])
        guard case .environmentFile(_, let location) = layer["Db:Host"]?.origin.source else {
            Issue.record("an environment-file origin")
            return
        }
        #expect(location.line == 1 && location.column == 10 && location.offset == 12, "\(location)")
    }
}
