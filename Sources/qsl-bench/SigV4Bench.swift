import Foundation
import QSLConfigAWS
import QSLConfigCore

/// Signs the same N Secrets Manager `GetSecretValue` requests that `scripts/bench-sigv4.sh`
/// gives botocore, and prints one JSON line: count, seconds, rate, and the signature of a
/// fixed-date sample request so the script can check both signers agree.
///
/// Usage: `qsl-bench sigv4 [COUNT]` (default 10000).
enum SigV4Bench {
    static let accessKeyId = "AKIDEXAMPLE"
    static let secretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let host = "secretsmanager.us-east-1.amazonaws.com"

    static func request(_ index: Int) -> AWSHTTPRequest {
        AWSHTTPRequest(
            method: "POST", host: host,
            headers: [
                ("Content-Type", "application/x-amz-json-1.1"),
                ("X-Amz-Target", "secretsmanager.GetSecretValue"),
                ("Host", host),
            ].reduce(into: AWSHTTPHeaders()) { $0.add(name: $1.0, value: $1.1) },
            body: Array(#"{"SecretId":"qsl/production/bench/\#(index)"}"#.utf8))
    }

    static func run(_ arguments: [String]) throws {
        let count = arguments.first.flatMap { Int($0) } ?? 10_000
        let credentials = AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: SecretValue(secretKey), source: "benchmark")
        let signer = SigV4Signer(region: "us-east-1", service: "secretsmanager")
        let requests = (0..<count).map(request)

        // Fixed-date sample, compared with botocore by the script.
        let sampleDate = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z
        let sample = signer.sign(requests[0], credentials: credentials, date: sampleDate).signature

        var sink = 0
        for request in requests.prefix(1_000) {  // warm-up
            sink &+= signer.sign(request, credentials: credentials, date: Date()).signature.utf8.count
        }
        let clock = ContinuousClock()
        let start = clock.now
        for request in requests {
            sink &+= signer.sign(request, credentials: credentials, date: Date()).signature.utf8.count
        }
        let elapsed = start.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(#"{"count":\#(count),"seconds":\#(seconds),"rate":\#(Double(count) / seconds),"sample_signature":"\#(sample)","sink":\#(sink)}"#)
    }
}
