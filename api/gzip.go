package api

import (
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

// gzipMinBytes is the smallest body worth compressing.
const gzipMinBytes = 1024

// gzipWriters keeps the gzip writers of finished responses for the next
// ones: each holds about 1 MB of compressor state, which a new writer per
// response would allocate and drop (a gigabyte a second at 1,000
// compressed responses a second, and the garbage the server's peak
// memory was made of).
var gzipWriters = sync.Pool{New: func() any {
	gz, _ := gzip.NewWriterLevel(nil, 5) // 5 is a valid level
	return gz
}}

// gzipBodies compresses response bodies of gzipMinBytes or more for
// clients that accept gzip. (echo's own Gzip middleware would pull in a
// module placeplan does not otherwise need.)
func gzipBodies(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		res := c.Response()
		res.Header().Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
		if c.Request().Method == http.MethodHead || !acceptsGzip(c.Request().Header.Get(echo.HeaderAcceptEncoding)) {
			return next(c)
		}
		w := &gzipWriter{ResponseWriter: res.Writer}
		res.Writer = w
		defer func() {
			res.Writer = w.ResponseWriter
			w.finish()
		}()
		return next(c)
	}
}

// acceptsGzip reports whether an Accept-Encoding value allows gzip.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		for _, p := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(k, "q") {
				q, err := strconv.ParseFloat(v, 64)
				return err == nil && q > 0
			}
		}
		return true
	}
	return false
}

// gzipWriter holds back the status and the first gzipMinBytes of the body,
// then either compresses or sends them as they are.
type gzipWriter struct {
	http.ResponseWriter
	status  int
	buf     []byte
	decided bool
	gz      *gzip.Writer // nil when sending uncompressed
}

// WriteHeader records the status until the body decides the encoding.
func (w *gzipWriter) WriteHeader(code int) {
	if w.decided {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.status = code
}

// Write buffers until gzipMinBytes have come, then streams.
func (w *gzipWriter) Write(b []byte) (int, error) {
	if !w.decided {
		w.buf = append(w.buf, b...)
		if len(w.buf) < gzipMinBytes {
			return len(b), nil
		}
		if err := w.decide(true); err != nil {
			return 0, err
		}
		return len(b), nil
	}
	if w.gz != nil {
		return w.gz.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// decide sends the held-back status and body, compressed when big is set
// and nothing else has encoded the body already.
func (w *gzipWriter) decide(big bool) error {
	w.decided = true
	h := w.ResponseWriter.Header()
	status := w.status
	if status == 0 {
		status = http.StatusOK
	}
	if big && h.Get(echo.HeaderContentEncoding) == "" && status != http.StatusNoContent && status != http.StatusNotModified {
		h.Set(echo.HeaderContentEncoding, "gzip")
		h.Del(echo.HeaderContentLength)
		w.gz = gzipWriters.Get().(*gzip.Writer)
		w.gz.Reset(w.ResponseWriter)
	}
	if w.status != 0 || len(w.buf) > 0 {
		w.ResponseWriter.WriteHeader(status)
	}
	buf := w.buf
	w.buf = nil
	if len(buf) == 0 {
		return nil
	}
	var err error
	if w.gz != nil {
		_, err = w.gz.Write(buf)
	} else {
		_, err = w.ResponseWriter.Write(buf)
	}
	return err
}

// finish flushes whatever is held back and closes the gzip stream.
func (w *gzipWriter) finish() {
	if !w.decided {
		_ = w.decide(false) // a write error here means the client has gone
	}
	if w.gz != nil {
		_ = w.gz.Close()
		gzipWriters.Put(w.gz)
		w.gz = nil
	}
}

// Flush sends what has been written so far.
func (w *gzipWriter) Flush() {
	if !w.decided {
		_ = w.decide(len(w.buf) >= gzipMinBytes)
	}
	if w.gz != nil {
		_ = w.gz.Flush()
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap returns the underlying writer for http.ResponseController.
func (w *gzipWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
