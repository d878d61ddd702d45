/// The AWS query protocol's request body: `Action=...&Version=...&Name=value`, each name and
/// value percent-encoded as SigV4 encodes them, so what is signed is what is parsed.
enum QueryEncoding {
    static func body(action: String, version: String, parameters: [(String, String)]) -> [UInt8] {
        var pairs = [("Action", action), ("Version", version)]
        pairs.append(contentsOf: parameters)
        let text = pairs.map { "\(SigV4Encoding.encode($0.0))=\(SigV4Encoding.encode($0.1))" }.joined(separator: "&")
        return Array(text.utf8)
    }
}
