package main

import (
	"io"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"
)

// TestGracefulShutdown: on SIGTERM the server stops accepting, finishes
// the request in flight, and listen returns without error.
func TestGracefulShutdown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	started := make(chan struct{})
	srv := &http.Server{Addr: addr, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(300 * time.Millisecond)
		io.WriteString(w, "done")
	})}
	done := make(chan error, 1)
	go func() { done <- listen(srv, quiet) }()
	waitListening(t, addr)
	reply := make(chan string, 1)
	go func() {
		res, err := http.Get("http://" + addr + "/")
		if err != nil {
			reply <- "error: " + err.Error()
			return
		}
		b, _ := io.ReadAll(res.Body)
		reply <- string(b)
	}()
	<-started
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if got := <-reply; got != "done" {
		t.Fatalf("the in-flight request got %q, want done", got)
	}
	if err := <-done; err != nil {
		t.Fatalf("listen returned %v", err)
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Fatal("the server still accepts connections after shutdown")
	}
}

func waitListening(t *testing.T, addr string) {
	for i := 0; i < 100; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s never listened", addr)
}
