import Foundation
import QSLConfigAWS

/// A request as moto's own recorder saw it: an independent count of what a client sent, taken on
/// the server side of the wire.
public struct MotoRecordedRequest: Sendable {
    /// `X-Amz-Target`, e.g. `secretsmanager.BatchGetSecretValue`; `nil` for query-protocol calls.
    public var target: String?
    public var body: [UInt8]

    /// The body as a JSON object, for JSON 1.1 calls.
    public var jsonBody: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }
}

extension MotoServer {
    /// Clears moto's request recording and starts recording every API call (moto's
    /// `/moto-api/recorder/` endpoints, which are not themselves recorded). Record only reads:
    /// the recording holds request bodies, and a write's body holds the secret value.
    public func startRecording() throws {
        try recorder("reset-recording")
        try recorder("start-recording")
    }

    /// Stops recording; what was recorded stays readable.
    public func stopRecording() throws {
        try recorder("stop-recording")
    }

    /// Every API call recorded since ``startRecording()``, in order.
    public func recordedRequests() throws -> [MotoRecordedRequest] {
        let response = try recorder("download-recording", method: "GET")
        return try String(decoding: response.body, as: UTF8.self).split(separator: "\n").map { line in
            guard let entry = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw Failure(description: "moto's recording holds a line that is not a JSON object")
            }
            let headers = entry["headers"] as? [String: String] ?? [:]
            let target = headers.first { $0.key.lowercased() == "x-amz-target" }?.value
            let text = entry["body"] as? String ?? ""
            let body = entry["body_encoded"] as? Bool == true ? Array(Data(base64Encoded: text) ?? Data()) : Array(text.utf8)
            return MotoRecordedRequest(target: target, body: body)
        }
    }

    @discardableResult
    func recorder(_ action: String, method: String = "POST") throws -> AWSHTTPResponse {
        let response = try HTTPWire.exchange(
            port: port, method: method, target: "/moto-api/recorder/\(action)",
            headers: ["Host": "127.0.0.1:\(port)"], body: [])
        guard (200..<300).contains(response.status) else {
            throw Failure(description: "moto's recorder refused \(action): HTTP \(response.status)")
        }
        return response
    }
}
