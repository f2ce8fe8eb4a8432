package spool

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// Errors Append returns.
var (
	ErrTooLarge = errors.New("spool: record larger than max_record")
	ErrClosed   = errors.New("spool: closed")
)

// Record is one queued record as Peek returns it: Data is the payload
// (read-only: it aliases the spool's buffer); the rest says where it is
// for Ack.
type Record struct {
	Data []byte
	seg  uint64
	end  int64
}

// Stats counts what the spool holds and did since New.
type Stats struct {
	Queued    int    `json:"queued"`    // records waiting for delivery
	Bytes     int64  `json:"bytes"`     // on disk, delivered part of the oldest segment included
	Segments  int    `json:"segments"`  // segment files
	Appended  uint64 `json:"appended"`  // since New
	Delivered uint64 `json:"delivered"` // acknowledged since New
	// Dropped: records given up because the spool was full (the oldest
	// go first) or could not be written.
	Dropped uint64 `json:"dropped"`
	// Damaged: spans of a segment that held no intact record (a torn
	// tail, flipped bits), and their bytes; each is logged with its
	// file:offset.
	Damaged      uint64 `json:"damaged"`
	DamagedBytes uint64 `json:"damaged_bytes"`
}

// segment is one file of records, oldest first in Spool.segs.
type segment struct {
	seq        uint64
	size       int64 // bytes in the file
	count      int   // intact records in it, delivered ones included
	reportedTo int64 // damage before this offset was already reported
}

func segName(seq uint64) string { return fmt.Sprintf("%016x.seg", seq) }

// Spool is the queue. It is safe for concurrent use: one goroutine may
// append while another peeks and acknowledges.
type Spool struct {
	cfg Config
	log *slog.Logger
	dir *dir

	mu     sync.Mutex
	segs   []*segment // oldest first; the last is appended to while w is open
	w      *os.File
	ack    ackState
	head   []Record // the oldest segment's records not acknowledged yet, read ahead
	buf    []byte
	dirty  bool      // written to w since its last fsync (Config.SyncEvery)
	synced time.Time // w's last fsync
	queued int
	bytes  int64
	st     Stats
	closed bool
}

// New opens the spool in cfg.Dir (making it when missing) and reads what
// an earlier run left there: intact records are queued again in order,
// damage is logged (file:offset) and counted. log may be nil.
func New(cfg Config, log *slog.Logger) (*Spool, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	d, err := openDir(cfg.Dir)
	if err != nil {
		return nil, err
	}
	s := &Spool{cfg: cfg, log: log.With("spool", cfg.Dir), dir: d}
	if err := s.load(); err != nil {
		d.close()
		return nil, err
	}
	if s.queued > 0 {
		s.log.Warn("spool holds records of an earlier run; they are delivered first", "records", s.queued, "bytes", s.bytes)
	}
	return s, nil
}

// load finds the segments and the acknowledged position of the oldest.
func (s *Spool) load() error {
	names, err := s.dir.names()
	if err != nil {
		return err
	}
	var seqs []uint64
	for _, n := range names {
		var seq uint64
		if _, err := fmt.Sscanf(n, "%016x.seg", &seq); err == nil && segName(seq) == n {
			seqs = append(seqs, seq)
		} else if n != ackName {
			s.log.Warn("spool: unknown file left alone", "file", filepath.Join(s.cfg.Dir, n))
		}
	}
	slices.Sort(seqs)
	s.ack = s.readAck()
	for _, seq := range seqs {
		if seq < s.ack.seq { // acknowledged, not yet removed when the daemon stopped
			_ = s.dir.remove(segName(seq))
			continue
		}
		s.loadSegment(seq)
	}
	if len(s.segs) == 0 || s.segs[0].seq != s.ack.seq {
		s.ack = ackState{}
		if len(s.segs) > 0 {
			s.ack.seq = s.segs[0].seq
		}
	}
	if len(s.segs) > 0 && s.ack.off > 0 {
		s.countAcked()
	}
	return nil
}

// loadSegment scans one segment left by an earlier run; an unsafe or
// unreadable file is left alone and logged.
func (s *Spool) loadSegment(seq uint64) {
	name := segName(seq)
	b, long, err := s.dir.readAll(name, s.cfg.SegmentBytes)
	if err != nil {
		s.log.Error("spool: segment not read, left alone", "err", err)
		return
	}
	seg := &segment{seq: seq, size: int64(len(b))}
	s.scanSegment(seg, b, 0, func(int, int, []byte) { seg.count++ })
	seg.reportedTo = int64(len(b))
	if long {
		s.damage(seg, int64(len(b)), -1)
	}
	if seg.count == 0 {
		_ = s.dir.remove(name)
		return
	}
	s.segs = append(s.segs, seg)
	s.queued += seg.count
	s.bytes += seg.size
}

// countAcked drops from the count the records of the oldest segment that
// were delivered before the restart.
func (s *Spool) countAcked() {
	seg := s.segs[0]
	b, _, err := s.dir.readAll(segName(seg.seq), s.cfg.SegmentBytes)
	if err != nil {
		return
	}
	scan(b, s.cfg.MaxRecord, func(_, end int, _ []byte) {
		if int64(end) <= s.ack.off {
			s.ack.count++
			s.queued--
		}
	}, func(int, int) {})
}

// scanSegment scans b (the segment from offset from) and reports the
// damage past seg.reportedTo.
func (s *Spool) scanSegment(seg *segment, b []byte, from int64, rec func(off, end int, p []byte)) {
	scan(b, s.cfg.MaxRecord, rec, func(off, n int) {
		if from+int64(off) >= seg.reportedTo {
			s.damage(seg, from+int64(off), int64(n))
		}
	})
}

// damage logs and counts n damaged bytes at off of seg (n < 0: whatever
// lies past the segment size limit).
func (s *Spool) damage(seg *segment, off, n int64) {
	s.st.Damaged++
	file := fmt.Sprintf("%s:%d", filepath.Join(s.cfg.Dir, segName(seg.seq)), off)
	if n < 0 {
		s.log.Error("spool: segment longer than segment_bytes; the rest is ignored", "at", file)
		return
	}
	s.st.DamagedBytes += uint64(n)
	s.log.Error("spool: damaged records skipped (torn write or corruption); the records around them are kept",
		"at", file, "bytes", n)
}

// Append queues p. When it returns nil, p has been written to the
// segment file (and fsync'd unless Config.NoSync). When the spool is full
// the oldest segment is given up first (counted in Stats.Dropped).
func (s *Spool) Append(p []byte) error {
	if len(p) > s.cfg.MaxRecord {
		return fmt.Errorf("%w: %d bytes", ErrTooLarge, len(p))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	size := int64(headerLen + len(p))
	for len(s.segs) > 0 && (s.bytes+size > s.cfg.MaxBytes || s.queued+1 > s.cfg.MaxRecords) {
		s.dropOldest()
	}
	if err := s.ensureRoom(size); err != nil {
		s.st.Dropped++
		return err
	}
	seg := s.segs[len(s.segs)-1]
	s.buf = appendRecord(s.buf[:0], p)
	n, err := s.w.Write(s.buf)
	seg.size += int64(n)
	s.bytes += int64(n)
	if err == nil {
		err = s.syncAfterAppend()
	}
	if err != nil {
		s.st.Dropped++
		s.closeWriter() // a torn record stays behind: the next append starts a new segment
		return fmt.Errorf("spool: append to %s: %w", segName(seg.seq), err)
	}
	seg.count++
	s.queued++
	s.st.Appended++
	return nil
}

// ensureRoom opens a new segment when none is open or the open one
// cannot take size more bytes.
func (s *Spool) ensureRoom(size int64) error {
	if s.w != nil && s.segs[len(s.segs)-1].size+size <= s.cfg.SegmentBytes {
		return nil
	}
	s.closeWriter()
	seq := uint64(1)
	if len(s.segs) > 0 {
		seq = s.segs[len(s.segs)-1].seq + 1
	}
	f, err := s.dir.create(segName(seq))
	for tries := 0; err != nil && errors.Is(err, os.ErrExist) && tries < 16; tries++ {
		s.log.Error("spool: a file already has the next segment's name; it is left alone", "err", err)
		seq++
		f, err = s.dir.create(segName(seq))
	}
	if err != nil {
		return err
	}
	if !s.cfg.NoSync {
		if err := s.dir.sync(); err != nil {
			f.Close()
			return fmt.Errorf("spool: %w", err)
		}
	}
	s.w = f
	s.segs = append(s.segs, &segment{seq: seq})
	if len(s.segs) == 1 {
		s.ack = ackState{seq: seq}
	}
	return nil
}

func (s *Spool) closeWriter() {
	if s.w != nil {
		if err := s.syncWriter(); err != nil {
			s.log.Error("spool: segment not synced", "err", err)
		}
		s.w.Close()
		s.w = nil
	}
}

// syncAfterAppend fsyncs the open segment after an append, or leaves it
// dirty while the last fsync is younger than Config.SyncEvery.
func (s *Spool) syncAfterAppend() error {
	if s.cfg.NoSync {
		return nil
	}
	if s.cfg.SyncEvery > 0 && time.Since(s.synced) < s.cfg.SyncEvery {
		s.dirty = true
		return nil
	}
	return s.syncWriter()
}

// syncWriter fsyncs the open segment (s.mu held).
func (s *Spool) syncWriter() error {
	if s.w == nil || s.cfg.NoSync {
		s.dirty = false
		return nil
	}
	s.dirty, s.synced = false, time.Now()
	return s.w.Sync()
}

// Sync fsyncs what Append wrote since the last fsync (with
// Config.SyncEvery: the caller calls it now and then, so that a quiet
// spool is on disk too).
func (s *Spool) Sync() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || !s.dirty {
		return nil
	}
	if err := s.syncWriter(); err != nil {
		return fmt.Errorf("spool: sync: %w", err)
	}
	return nil
}

// dropOldest gives up the oldest segment to make room.
func (s *Spool) dropOldest() {
	seg := s.segs[0]
	lost := seg.count - s.ack.count
	s.st.Dropped += uint64(lost)
	s.log.Warn("spool full: the oldest records are given up", "records", lost,
		"file", filepath.Join(s.cfg.Dir, segName(seg.seq)), "max_bytes", s.cfg.MaxBytes, "max_records", s.cfg.MaxRecords)
	s.removeHead()
}

// removeHead removes the oldest segment (delivered or given up).
func (s *Spool) removeHead() {
	seg := s.segs[0]
	if len(s.segs) == 1 {
		s.closeWriter()
	}
	if err := s.dir.remove(segName(seg.seq)); err != nil {
		s.log.Error("spool: segment not removed", "err", err)
	}
	s.queued -= seg.count - s.ack.count
	s.bytes -= seg.size
	s.segs = s.segs[1:]
	s.head = nil
	s.ack = ackState{}
	if len(s.segs) > 0 {
		s.ack.seq = s.segs[0].seq
	}
	s.writeAck()
}

// Peek returns up to max of the oldest records not acknowledged yet, in
// order (fewer than max at the end of a segment; none when the spool is
// empty). It does not remove them: Ack does, once they are delivered.
func (s *Spool) Peek(max int) ([]Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	for len(s.head) == 0 && len(s.segs) > 0 {
		if err := s.readHead(); err != nil {
			return nil, err
		}
		if len(s.head) > 0 {
			break
		}
		if s.w != nil && len(s.segs) == 1 {
			return nil, nil // everything written was delivered
		}
		s.removeHead() // what is left of it is damage
	}
	return s.head[:min(max, len(s.head))], nil
}

// readHead reads the oldest segment's records past the acknowledged
// offset.
func (s *Spool) readHead() error {
	seg := s.segs[0]
	b, _, err := s.dir.readAll(segName(seg.seq), s.cfg.SegmentBytes)
	if err != nil {
		return err
	}
	from := min(s.ack.off, int64(len(b)))
	s.scanSegment(seg, b[from:], from, func(_, end int, p []byte) {
		s.head = append(s.head, Record{Data: p, seg: seg.seq, end: from + int64(end)})
	})
	seg.reportedTo = max(seg.reportedTo, int64(len(b)))
	return nil
}

// Ack frees r and every record Peek returned before it: they were
// delivered. A segment delivered whole is removed.
func (s *Spool) Ack(r Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if len(s.segs) == 0 || r.seg != s.segs[0].seq || r.end <= s.ack.off {
		return nil // given up meanwhile, or acknowledged already
	}
	n := 0
	for n < len(s.head) && s.head[n].end <= r.end {
		n++
	}
	s.head = s.head[n:]
	s.ack.off, s.ack.count = r.end, s.ack.count+n
	s.queued -= n
	s.st.Delivered += uint64(n)
	if s.ack.count >= s.segs[0].count { // delivered whole (the open one too: the next append starts another)
		s.removeHead()
		return nil
	}
	s.writeAck()
	return nil
}

// Len is how many records wait for delivery.
func (s *Spool) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queued
}

// Stats returns the counts.
func (s *Spool) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	st.Queued, st.Bytes, st.Segments = s.queued, s.bytes, len(s.segs)
	return st
}

// Close closes the files; what is queued stays for the next New.
func (s *Spool) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.closeWriter()
	return s.dir.close()
}
