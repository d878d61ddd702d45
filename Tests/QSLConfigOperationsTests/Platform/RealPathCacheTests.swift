import Foundation
import QSLConfigCore
@testable import QSLConfigOperations
import Testing

@Suite("real paths resolved directory by directory")
struct RealPathCacheTests {
    @Test("every path resolves as realpath(3) resolves it: links to folders and files, dangling links, . and .., missing parts, a file as a folder")
    func agreesWithRealpath() throws {
        let base = try PlatformFixtures.temporaryDirectory("realpath")
        let fm = FileManager.default
        try fm.createDirectory(atPath: base + "/root/a/b", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: base + "/outside/c", withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: base + "/root/a/b/appsettings.json"))
        try Data("{}".utf8).write(to: URL(fileURLWithPath: base + "/outside/c/appsettings.json"))
        try fm.createSymbolicLink(atPath: base + "/root/toOutside", withDestinationPath: base + "/outside")
        try fm.createSymbolicLink(atPath: base + "/root/relative", withDestinationPath: "a/b")
        try fm.createSymbolicLink(atPath: base + "/root/a/b/linked.json", withDestinationPath: "../../../outside/c/appsettings.json")
        try fm.createSymbolicLink(atPath: base + "/root/dangling", withDestinationPath: base + "/nowhere")
        try fm.createSymbolicLink(atPath: base + "/link-to-root", withDestinationPath: base + "/root")
        let paths = [
            "root", "root/a", "root/a/b", "root/a/b/appsettings.json", "root/toOutside", "root/toOutside/c/appsettings.json",
            "root/relative", "root/relative/appsettings.json", "root/a/b/linked.json", "root/dangling", "root/dangling/x",
            "root/missing", "root/missing/deeper", "root/a/./b", "root/a/b/..", "root/a/b/../b/appsettings.json",
            "root/a/b/appsettings.json/x", "link-to-root/a/b", "link-to-root/toOutside/c", "root//a", "root/a/",
        ]
        let cache = RealPathCache()
        for relative in paths + paths {  // twice: the second round answers from the cache
            let path = base + "/" + relative
            #expect(cache.real(path) == AtomicFile.realPath(path), "\(relative)")
        }
        #expect(cache.real(base + "/root/toOutside/c") == AtomicFile.realPath(base + "/outside/c"))
    }
}
