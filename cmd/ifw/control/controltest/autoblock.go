package controltest

import (
	"time"

	"github.com/ifw/ifw/cmd/ifw/control"
)

// AutoBlock is the fake's automatic-blocking switch (off at the start,
// as configured).
func (b fakeBlocking) AutoBlock() control.AutoBlock {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.auto
}

// SetAutoBlock sets the switch, recording who.
func (b fakeBlocking) SetAutoBlock(on bool, by string) (control.AutoBlock, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.auto.On, b.auto.Changed, b.auto.By = on, time.Now(), by
	return b.auto, nil
}

// AutoOn says whether the fake's switch is on.
func (b *Backend) AutoOn() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.auto.On
}
