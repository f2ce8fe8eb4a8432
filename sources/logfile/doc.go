// Package logfile is a sources.Source that follows a syslog file (the
// kernel's LOG lines as rsyslog or syslog-ng write them) across rotations,
// restarts and truncations without losing or repeating a line.
//
// # Why its own follower
//
// github.com/nxadm/tail (v1.4.11) reopens the new file on rename rotation
// without reading the rest of the old one, its rate limiter skips to the end
// of the file, and it calls os.Exit on some stat errors. Wrapping it per inode
// would leave only its read loop, and that loop hides the byte offsets a
// resumable position needs. So logfile follows the file itself: pread at
// explicit offsets, woken by inotify (github.com/fsnotify/fsnotify watching
// the file's directory) and by a poll tick (Config.Poll, 250 ms by default)
// that also covers file systems without inotify and rotated files moved to
// another directory. It never exits the process and never skips ahead.
//
// # Guarantees
//
// Position (the file's device and inode, a checksum of its first bytes,
// and the offset just past the last line handed on) is exact when Run
// returns; a new Source started from it, or
// the same Source run again, continues with the next line.
//
//   - Rename rotation (logrotate's default "create"): the old file stays
//     open. The new file is opened when it appears but read only after the
//     old one has been idle for Config.Grace and a last read of it finds
//     nothing, so lines the writer still appends to the old inode before it
//     reopens the path are read first and in order. Several rotations in a
//     row queue up the same way (each new file is held open). A writer that
//     keeps writing the old file is left after Config.DrainLimit (warned).
//   - copytruncate: a size below the read offset, or bytes before the
//     position that differ from the bytes read there, mean the file was
//     truncated. If a rotated-name candidate (Config.Rotated) holds a copy
//     whose bytes before the position match, the rest of the copy is read
//     first; then the file is read from offset 0. Lines the writer appends
//     between logrotate's copy and its truncate are in neither file: that
//     loss belongs to copytruncate itself. A truncated file that refills past
//     the old offset is told apart from a grown one by the bytes before the
//     position (the last 128 bytes read), checked before and after every
//     read. A file truncated before ifw read it (say, a new file truncated
//     while an older one is still being drained) is lost to any reader.
//   - Deleted and recreated: the deleted file is drained like a rotated one,
//     then the new one is read from 0. A deleted file left idle for Grace
//     with no new file at the path is closed, so its space can be freed.
//   - Missing file: Run waits for it, reports a *MissingError through
//     Stats.SetError, and reads it from offset 0 once it appears (every line
//     in it was written after ifw started looking).
//   - A partial last line is held until its newline arrives. A partial line
//     left at the end of a rotated file, or a line longer than
//     logline.MaxLineLen, counts as a malformed line and is never handed on
//     in part; buffering is bounded by MaxLineLen per open file.
//
// On a first run (zero Config.Start) reading begins at the end of the file
// (after the line being written, if any), or at its start with
// Config.FromStart. A Start whose file is still the path's resumes at its
// offset (at 0 if the file is now shorter); otherwise the Rotated names are
// searched for that file and its rest is read before the path's file from
// 0. The file is Start's device, inode and Head (below) together. A file
// truncated and rewritten while ifw was stopped is read from 0 when its
// first bytes changed; one rewritten with the same first bytes and regrown
// past the saved offset cannot be told from one that only grew.
//
// # Why the first bytes
//
// Inode numbers are reused: ext4 gives a freed inode to the next file
// created, so after logrotate deletes the oldest rotation, the writer's new
// file (or the next rotation) often gets the number of a file ifw read
// before. Within a Run this cannot mislead the follower: every file it
// compares ids with is held open, and an open file's inode is not freed.
// Across a restart it did: a saved position named a deleted file whose
// number the new file at the path now had, and reading resumed in the
// middle of the new file (its first lines lost), or in an unrelated rotated
// file. So Offset.Head is a checksum (FNV-1a) of the file's first bytes
// (1 KiB, fewer before the position is that far): syslog lines begin with
// a time stamp and go on with addresses, so two files differ there. It
// costs one 1 KiB pread per file (cached) and works on every file system.
// Birth time was rejected: it is not in os.FileInfo (statx), and tmpfs,
// NFS and older kernels lack it; ctime and mtime change on every write; a
// size says nothing about identity. A Start saved by an older ifw has no
// Head and is matched by inode alone.
//
// Every packet is untrusted (anyone may write "kernel:" lines into a syslog
// file), carries Config.Name as its source, and dates year-less time stamps
// against the file's modification time.
package logfile
