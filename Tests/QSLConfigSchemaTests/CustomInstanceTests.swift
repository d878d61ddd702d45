import QSLConfigCore
@testable import QSLConfigSchema
import Testing

/// A stand-in for the merged configuration tree: a type that is not the document model.
private indirect enum ConfigNode: JSONInstance {
    case section([(String, ConfigNode)], QSLConfigCore.SourceLocation?)
    case list([ConfigNode])
    case text(String, QSLConfigCore.SourceLocation?)
    case number(String)

    var instanceKind: JSONKind {
        switch self {
        case .section: .object
        case .list: .array
        case .text: .string
        case .number: .number
        }
    }
    var objectMembers: [(key: String, value: ConfigNode)] {
        if case .section(let members, _) = self { return members.map { (key: $0.0, value: $0.1) } }
        return []
    }
    var arrayElements: [ConfigNode] {
        if case .list(let elements) = self { return elements }
        return []
    }
    var stringValue: String? {
        if case .text(let text, _) = self { return text }
        return nil
    }
    var numberText: String? {
        if case .number(let text) = self { return text }
        return nil
    }
    var sourceLocation: QSLConfigCore.SourceLocation? {
        switch self {
        case .section(_, let location), .text(_, let location): location
        default: nil
        }
    }
}

@Suite("Any JSONInstance")
struct CustomInstanceTests {
    @Test("a tree that is not a JSONValue validates, with its own locations")
    func customTree() throws {
        let validator = try SchemaFixtures.validator("""
            {"properties": {"AWS": {"properties": {"Region": {"pattern": "^[a-z]{2}-[a-z]+-[0-9]$"}, "Zones": {"minItems": 2}}}}}
            """)
        let location = QSLConfigCore.SourceLocation(file: "appsettings.Production.json", line: 4, column: 17, offset: 60)
        let tree = ConfigNode.section([
            ("AWS", .section([("Region", .text("Europe", location)), ("Zones", .list([.number("1")]))], nil)),
        ], nil)
        let result = validator.validate(tree)
        #expect(result.failures.count == 2)
        #expect(result.failures.first?.description.hasPrefix("appsettings.Production.json:4:17: error: \"Region\" does not match the pattern") == true)
        #expect(result.failures.last?.instancePointer == "/AWS/Zones")
    }
}
