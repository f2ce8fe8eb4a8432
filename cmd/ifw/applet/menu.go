package applet

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/introspect"
	"github.com/godbus/dbus/v5/prop"
)

// menuIface is the menu's protocol: com.canonical.dbusmenu, version 3, as
// libdbusmenu defines it and the StatusNotifierItem hosts read it.
const (
	menuIface   = "com.canonical.dbusmenu"
	menuVersion = uint32(3)
)

// The menu's items: the root (0) holds them all, in this order.
const (
	itemRoot int32 = iota
	itemOpen
	itemAuto
	itemPause
	itemSeparator
	itemQuit
)

var menuItems = []int32{itemOpen, itemAuto, itemPause, itemSeparator, itemQuit}

// menuLayout is one node of GetLayout's answer, (ia{sv}av): its children
// are menuLayouts in variants.
type menuLayout struct {
	ID       int32
	Props    map[string]dbus.Variant
	Children []dbus.Variant
}

// menuItemProps is one item of GetGroupProperties and
// ItemsPropertiesUpdated, (ia{sv}).
type menuItemProps struct {
	ID    int32
	Props map[string]dbus.Variant
}

// menuItemRemoved is one item of ItemsPropertiesUpdated's removed
// properties, (ias).
type menuItemRemoved struct {
	ID    int32
	Names []string
}

// menuEvent is one event of EventGroup, (isvu).
type menuEvent struct {
	ID        int32
	EventID   string
	Data      dbus.Variant
	Timestamp uint32
}

// menu is the tray's menu at /MenuBar.
type menu struct {
	t *tray

	mu       sync.Mutex
	revision uint32
}

// props are item id's properties now, those named in names only (all
// when names is empty); ok is false for an unknown id.
func (m *menu) props(id int32, names []string) (map[string]dbus.Variant, bool) {
	t := m.t
	t.mu.Lock()
	auto, paused := t.auto, t.now().Before(t.pausedUntil)
	until := t.pausedUntil
	t.mu.Unlock()
	p := map[string]any{}
	switch id {
	case itemRoot:
		p["children-display"] = "submenu"
	case itemOpen:
		p["label"] = "Open management window"
		p["icon-name"] = "preferences-system-network"
	case itemAuto:
		p["label"] = "Automatic blocking"
		p["toggle-type"] = "checkmark"
		state := int32(0)
		if auto != nil && auto.On {
			state = 1
		}
		p["toggle-state"] = state
		p["enabled"] = auto != nil // the daemon not reached: its state is not known
	case itemPause:
		p["label"] = "Pause bubbles for 1 h"
		if paused {
			p["label"] = fmt.Sprintf("Resume bubbles (paused until %s)", until.Format(time.Kitchen))
		}
	case itemSeparator:
		p["type"] = "separator"
	case itemQuit:
		p["label"] = "Quit"
		p["icon-name"] = "application-exit"
	default:
		return nil, false
	}
	out := map[string]dbus.Variant{}
	for k, v := range p {
		if len(names) == 0 || slices.Contains(names, k) {
			out[k] = dbus.MakeVariant(v)
		}
	}
	return out, true
}

func unknownItem(id int32) *dbus.Error {
	return dbus.NewError("com.canonical.dbusmenu.Error.UnknownItem", []any{fmt.Sprintf("no menu item %d", id)})
}

// GetLayout is the tree from parentID down recursionDepth levels (-1:
// all), with the properties named (all when none).
func (m *menu) GetLayout(parentID, recursionDepth int32, propertyNames []string) (uint32, menuLayout, *dbus.Error) {
	props, ok := m.props(parentID, propertyNames)
	if !ok {
		return 0, menuLayout{}, unknownItem(parentID)
	}
	l := menuLayout{ID: parentID, Props: props, Children: []dbus.Variant{}}
	if parentID == itemRoot && recursionDepth != 0 {
		for _, id := range menuItems {
			p, _ := m.props(id, propertyNames)
			l.Children = append(l.Children, dbus.MakeVariant(menuLayout{ID: id, Props: p, Children: []dbus.Variant{}}))
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.revision, l, nil
}

// GetGroupProperties is the properties of the items ids (every item when
// ids is empty); unknown ids are left out.
func (m *menu) GetGroupProperties(ids []int32, propertyNames []string) ([]menuItemProps, *dbus.Error) {
	if len(ids) == 0 {
		ids = append([]int32{itemRoot}, menuItems...)
	}
	out := []menuItemProps{}
	for _, id := range ids {
		if p, ok := m.props(id, propertyNames); ok {
			out = append(out, menuItemProps{ID: id, Props: p})
		}
	}
	return out, nil
}

// GetProperty is one property of one item.
func (m *menu) GetProperty(id int32, name string) (dbus.Variant, *dbus.Error) {
	p, ok := m.props(id, []string{name})
	if !ok {
		return dbus.Variant{}, unknownItem(id)
	}
	v, ok := p[name]
	if !ok {
		return dbus.Variant{}, dbus.NewError("com.canonical.dbusmenu.Error.UnknownProperty", []any{name})
	}
	return v, nil
}

// Event is a user's action on an item: "clicked" does the item's work
// (in run, not in this call); other events are ignored.
func (m *menu) Event(id int32, eventID string, data dbus.Variant, timestamp uint32) *dbus.Error {
	if _, ok := m.props(id, nil); !ok {
		return unknownItem(id)
	}
	if eventID == "clicked" && id != itemRoot && id != itemSeparator {
		m.t.queue(trayWork{click: id})
	}
	return nil
}

// EventGroup is Event for each event; the ids not found come back.
func (m *menu) EventGroup(events []menuEvent) ([]int32, *dbus.Error) {
	bad := []int32{}
	for _, e := range events {
		if err := m.Event(e.ID, e.EventID, e.Data, e.Timestamp); err != nil {
			bad = append(bad, e.ID)
		}
	}
	return bad, nil
}

// AboutToShow: the menu is opening; the daemon's switch is read again
// (the update, if any, follows as ItemsPropertiesUpdated).
func (m *menu) AboutToShow(id int32) (bool, *dbus.Error) {
	if _, ok := m.props(id, nil); !ok {
		return false, unknownItem(id)
	}
	if id == itemRoot {
		m.t.queue(trayWork{refresh: true})
	}
	return false, nil
}

// AboutToShowGroup is AboutToShow for each id.
func (m *menu) AboutToShowGroup(ids []int32) ([]int32, []int32, *dbus.Error) {
	bad := []int32{}
	for _, id := range ids {
		if _, err := m.AboutToShow(id); err != nil {
			bad = append(bad, id)
		}
	}
	return []int32{}, bad, nil
}

// changed tells the host that item id's properties changed.
func (m *menu) changed(id int32) {
	p, ok := m.props(id, nil)
	if !ok {
		return
	}
	m.mu.Lock()
	m.revision++
	rev := m.revision
	m.mu.Unlock()
	conn := m.t.conn
	if err := conn.Emit(menuPath, menuIface+".ItemsPropertiesUpdated", []menuItemProps{{ID: id, Props: p}}, []menuItemRemoved{}); err != nil {
		m.t.log.Warn("tray menu update not sent", "err", err)
	}
	_ = conn.Emit(menuPath, menuIface+".LayoutUpdated", rev, itemRoot)
}

// export puts the menu on the bus at menuPath.
func (m *menu) export() error {
	conn := m.t.conn
	props, err := prop.Export(conn, menuPath, prop.Map{menuIface: {
		"Version":       {Value: menuVersion, Emit: prop.EmitConst},
		"TextDirection": {Value: "ltr", Emit: prop.EmitConst},
		"Status":        {Value: "normal", Emit: prop.EmitConst},
		"IconThemePath": {Value: []string{}, Emit: prop.EmitConst},
	}})
	if err != nil {
		return err
	}
	if err := conn.Export(m, menuPath, menuIface); err != nil {
		return err
	}
	arg := func(name, typ string) introspect.Arg { return introspect.Arg{Name: name, Type: typ} }
	node := &introspect.Node{Name: string(menuPath), Interfaces: []introspect.Interface{
		introspect.IntrospectData, prop.IntrospectData,
		{Name: menuIface, Methods: introspect.Methods(m), Properties: props.Introspection(menuIface),
			Signals: []introspect.Signal{
				{Name: "ItemsPropertiesUpdated", Args: []introspect.Arg{arg("updatedProps", "a(ia{sv})"), arg("removedProps", "a(ias)")}},
				{Name: "LayoutUpdated", Args: []introspect.Arg{arg("revision", "u"), arg("parent", "i")}},
				{Name: "ItemActivationRequested", Args: []introspect.Arg{arg("id", "i"), arg("timestamp", "u")}},
			}},
	}}
	return conn.Export(introspect.NewIntrospectable(node), menuPath, "org.freedesktop.DBus.Introspectable")
}
