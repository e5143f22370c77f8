import Foundation

/// A wrk Lua script for one scenario: the requests it sends and a `done()` that prints the result
/// as one `SAMSKAP_BENCH {json}` line (see `WrkResult`).
struct WrkScript {
    enum Mode {
        /// Requests rotate over `requests` (each thread starts at its own offset).
        case rotate([Request])
        /// A meeting is planned (POST, body from `planBodies`), then its minutes are written
        /// (PATCH `/api/v1/meetings/{id}`, id from the 201's Location) by the next request.
        case meeting(planBodies: [String], minutesBody: String)
        /// POST to `pathFormat` (with `%s` for the id) once per id in `poolFile`, each id once;
        /// a thread whose share is used up stops.
        case pool(poolFile: String, pathFormat: String, body: String)
        /// Like `rotate`, and the id at the end of each 201's Location is appended to `collectFile`.<thread>.
        case collect([Request], collectFile: String)
    }

    struct Request {
        var method: String
        var path: String
        var body: String?
    }

    var mode: Mode
    var headers: [String: String]
    var threads: Int

    static func lua(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 { out += String(format: "\\%03d", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    private static func luaRequests(_ requests: [Request]) -> String {
        "{\n" + requests.map { r in
            "  { \(lua(r.method)), \(lua(r.path)), \(r.body.map(lua) ?? "nil") },"
        }.joined(separator: "\n") + "\n}"
    }

    var text: String {
        let headerTable = "{ " + headers.sorted { $0.key < $1.key }.map { "[\(Self.lua($0.key))] = \(Self.lua($0.value))" }.joined(separator: ", ") + " }"
        var config = "local headers = \(headerTable)\nlocal nthreads = \(threads)\n"
        var body: String
        switch mode {
        case let .rotate(requests):
            config += "local requests = \(Self.luaRequests(requests))\n"
            body = Self.rotateBody
        case let .collect(requests, file):
            config += "local requests = \(Self.luaRequests(requests))\nlocal collectFile = \(Self.lua(file))\n"
            body = Self.rotateBody
        case let .meeting(planBodies, minutesBody):
            config += "local planBodies = { " + planBodies.map(Self.lua).joined(separator: ", ") + " }\nlocal minutesBody = \(Self.lua(minutesBody))\n"
            body = Self.meetingBody
        case let .pool(file, pathFormat, postBody):
            config += "local poolFile = \(Self.lua(file))\nlocal pathFormat = \(Self.lua(pathFormat))\nlocal poolBody = \(Self.lua(postBody))\n"
            body = Self.poolBody
        }
        return config + Self.common + body + Self.done
    }

    private static let common = """
    -- Per thread (globals, read by done() through thread:get).
    non2xx = 0
    s3xx = 0
    s4xx = 0
    s5xx = 0
    operations = -1
    firstBad = ""

    -- Main state: every thread, to sum its counters in done().
    local allThreads = {}
    local nextThreadID = 0
    function setup(thread)
      thread:set("tid", nextThreadID)
      nextThreadID = nextThreadID + 1
      table.insert(allThreads, thread)
    end

    local function location(hdrs)
      for k, v in pairs(hdrs) do
        if string.lower(k) == "location" then return v end
      end
      return nil
    end

    local function count(status, body)
      if status >= 200 and status < 300 then return true end
      non2xx = non2xx + 1
      if status < 400 then s3xx = s3xx + 1 elseif status < 500 then s4xx = s4xx + 1 else s5xx = s5xx + 1 end
      if firstBad == "" then firstBad = status .. " " .. string.sub(body or "", 1, 300) end
      return false
    end

    """

    private static let rotateBody = """
    local counter = 0
    local out = nil
    function init(args)
      counter = (tid or 0) * 7919
      if collectFile ~= nil then out = io.open(collectFile .. "." .. (tid or 0), "a") end
    end
    function request()
      counter = counter + 1
      local r = requests[(counter % #requests) + 1]
      return wrk.format(r[1], r[2], headers, r[3])
    end
    function response(status, hdrs, body)
      if count(status, body) and out ~= nil and status == 201 then
        local loc = location(hdrs)
        if loc ~= nil then
          out:write(string.match(loc, "([^/]+)$") .. "\\n")
          out:flush()
        end
      end
    end

    """

    private static let meetingBody = """
    local counter = 0
    local queue = {}
    function init(args)
      counter = (tid or 0) * 7919
      operations = 0
    end
    function request()
      if #queue > 0 then
        local id = table.remove(queue, 1)
        return wrk.format("PATCH", "/api/v1/meetings/" .. id, headers, minutesBody)
      end
      counter = counter + 1
      return wrk.format("POST", "/api/v1/meetings", headers, planBodies[(counter % #planBodies) + 1])
    end
    function response(status, hdrs, body)
      if count(status, body) then
        if status == 201 then
          local loc = location(hdrs)
          if loc ~= nil then table.insert(queue, string.match(loc, "([^/]+)$")) end
        else
          operations = operations + 1
        end
      end
    end

    """

    private static let poolBody = """
    local ids = {}
    local index = 0
    function init(args)
      operations = 0
      local n = 0
      for line in io.lines(poolFile) do
        if line ~= "" then
          if n % nthreads == (tid or 0) then table.insert(ids, line) end
          n = n + 1
        end
      end
    end
    function request()
      index = index + 1
      if index > #ids then
        wrk.thread:stop()
        return wrk.format("GET", "/livez", headers, nil)
      end
      return wrk.format("POST", string.format(pathFormat, ids[index]), headers, poolBody)
    end
    function response(status, hdrs, body)
      if count(status, body) then operations = operations + 1 end
    end

    """

    private static let done = """
    function done(summary, latency, requests)
      local bad, c3, c4, c5, ops, first = 0, 0, 0, 0, -1, ""
      for _, t in ipairs(allThreads) do
        bad = bad + (t:get("non2xx") or 0)
        c3 = c3 + (t:get("s3xx") or 0)
        c4 = c4 + (t:get("s4xx") or 0)
        c5 = c5 + (t:get("s5xx") or 0)
        local o = t:get("operations") or -1
        if o >= 0 then ops = math.max(ops, 0) + o end
        local f = t:get("firstBad") or ""
        if first == "" then first = f end
      end
      local e = summary.errors
      local opsJSON = "null"
      if ops >= 0 then opsJSON = string.format("%.0f", ops) end
      io.write(string.format('SAMSKAP_BENCH {"requests":%.0f,"durationUs":%.0f,"bytes":%.0f,"connectErrors":%.0f,"readErrors":%.0f,"writeErrors":%.0f,"timeoutErrors":%.0f,"non2xx":%.0f,"p50Us":%.0f,"p95Us":%.0f,"p99Us":%.0f,"maxUs":%.0f,"statuses":{"3xx":%.0f,"4xx":%.0f,"5xx":%.0f},"operations":%s}\\n',
        summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.timeout, bad,
        latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, c3, c4, c5, opsJSON))
      if first ~= "" then io.write("SAMSKAP_BENCH_FIRST_ERROR " .. string.gsub(first, "\\n", " ") .. "\\n") end
    end

    """
}
