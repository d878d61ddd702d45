import QSLConfigCore
import Testing

@Suite("flattening a document into a layer")
struct FlattenTests {
    @Test("every key's folded form is the fold of its whole spelling, whatever the scripts and nesting; duplicates across case are found there too")
    func foldedPerSegment() throws {
        let text = """
            {"Straße": {"Größe": 1, "ǆungla": [true, {"Ωmega": "x", "i̇stanbul": null}]},
             "ÉCOLE": {"naïve:Café": "y"}, "plain": {"Deep": {"Er": {"Key": 2}}}, "": {"": 3}, "x": {}, "y": []}
            """
        let document = try JSONDocument(parsing: Array(text.utf8), file: "fold.json")
        let layer = try ConfigurationLayer.json(document)
        #expect(layer.count == 9)
        for entry in layer.orderedEntries {
            #expect(entry.key.folded == ConfigKey.fold(entry.key.spelling), "\(entry.key.spelling)")
            #expect(layer[ConfigKey(entry.key.spelling.uppercased())] != nil || entry.key.spelling.contains("ß") || entry.key.spelling.contains("i̇"), "\(entry.key.spelling) found in any case")
        }
        #expect(layer[ConfigKey("STRASSE:GRÖSSE")] == nil, "ß folds to itself, as .NET's OrdinalIgnoreCase keeps it")
        #expect(layer[ConfigKey("straße:größe")]?.value == "1")
        #expect(layer[ConfigKey("ÉCOLE:NAÏVE:CAFÉ")]?.value == "y")

        for duplicate in [#"{"École": {"a": 1}, "éCOLE:A": 2}"#, #"{"Ωmega": 1, "ωMEGA": 2}"#] {
            // The reader runs the path-level check itself, through the same flattening.
            #expect(throws: Diagnostic.self, "\(duplicate)") { try ConfigurationLayer.json(try JSONDocument(parsing: Array(duplicate.utf8), file: "dup.json")) }
        }
    }
}
