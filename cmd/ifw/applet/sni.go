package applet

import (
	"fmt"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/introspect"
	"github.com/godbus/dbus/v5/prop"
)

// pixmap is an ARGB32 image of the item's properties (none is sent: the
// icons are named).
type pixmap struct {
	W, H int32
	Data []byte
}

// toolTip is the item's ToolTip property, (sa(iiay)ss).
type toolTip struct {
	Icon    string
	Pixmaps []pixmap
	Title   string
	Text    string
}

// sniObject is org.kde.StatusNotifierItem's methods on /StatusNotifierItem.
type sniObject struct{ t *tray }

// ContextMenu: the host shows the menu itself (ItemIsMenu, Menu).
func (sniObject) ContextMenu(x, y int32) *dbus.Error { return nil }

// Activate (a left click, on hosts that do not show the menu for it)
// opens the management window.
func (o sniObject) Activate(x, y int32) *dbus.Error {
	o.t.queue(trayWork{click: itemOpen})
	return nil
}

// SecondaryActivate (a middle click) does nothing.
func (sniObject) SecondaryActivate(x, y int32) *dbus.Error { return nil }

// Scroll does nothing.
func (sniObject) Scroll(delta int32, orientation string) *dbus.Error { return nil }

// queue hands w to run; a full queue drops it (a burst of clicks).
func (t *tray) queue(w trayWork) {
	select {
	case t.work <- w:
	default:
		t.log.Warn("tray menu busy: click dropped")
	}
}

// toolTip is the item's tool tip now.
func (t *tray) toolTip() toolTip {
	t.mu.Lock()
	defer t.mu.Unlock()
	tip := toolTip{Icon: iconActive, Pixmaps: []pixmap{}, Title: "ifw firewall", Text: "No new alert"}
	if t.attention {
		tip.Icon = iconAttention
		tip.Text = fmt.Sprintf("%d new alert(s): open the management window's Log to see them", t.unseen)
	}
	if t.now().Before(t.pausedUntil) {
		tip.Text += fmt.Sprintf("\nAlert bubbles paused until %s", t.pausedUntil.Format(time.Kitchen))
	}
	return tip
}

// itemProps are the item's properties at the start.
func (t *tray) itemProps() map[string]*prop.Prop {
	c := func(v any) *prop.Prop { return &prop.Prop{Value: v, Emit: prop.EmitConst} }
	// The changing ones are announced with the protocol's own signals
	// (NewStatus, NewToolTip), which hosts follow, not PropertiesChanged.
	f := func(v any) *prop.Prop { return &prop.Prop{Value: v, Emit: prop.EmitFalse} }
	return map[string]*prop.Prop{
		"Category":            c("SystemServices"),
		"Id":                  c("ifw"),
		"Title":               c("ifw firewall"),
		"Status":              f(statusActive),
		"WindowId":            c(int32(0)),
		"IconThemePath":       c(""),
		"IconName":            c(iconActive),
		"IconPixmap":          c([]pixmap{}),
		"OverlayIconName":     c(""),
		"OverlayIconPixmap":   c([]pixmap{}),
		"AttentionIconName":   c(iconAttention),
		"AttentionIconPixmap": c([]pixmap{}),
		"AttentionMovieName":  c(""),
		"ToolTip":             f(t.toolTip()),
		"ItemIsMenu":          c(true),
		"Menu":                c(menuPath),
	}
}

// export puts the item and its menu on the bus under the item's name.
func (t *tray) export() error {
	var err error
	if t.props, err = prop.Export(t.conn, itemPath, prop.Map{itemIface: t.itemProps()}); err != nil {
		return err
	}
	if err := t.conn.Export(sniObject{t}, itemPath, itemIface); err != nil {
		return err
	}
	sig := func(name string, args ...introspect.Arg) introspect.Signal {
		return introspect.Signal{Name: name, Args: args}
	}
	node := &introspect.Node{Name: string(itemPath), Interfaces: []introspect.Interface{
		introspect.IntrospectData, prop.IntrospectData,
		{Name: itemIface, Methods: introspect.Methods(sniObject{}), Properties: t.props.Introspection(itemIface),
			Signals: []introspect.Signal{sig("NewTitle"), sig("NewIcon"), sig("NewAttentionIcon"), sig("NewOverlayIcon"),
				sig("NewToolTip"), sig("NewStatus", introspect.Arg{Name: "status", Type: "s"})}},
	}}
	if err := t.conn.Export(introspect.NewIntrospectable(node), itemPath, "org.freedesktop.DBus.Introspectable"); err != nil {
		return err
	}
	if err := t.menu.export(); err != nil {
		return err
	}
	reply, err := t.conn.RequestName(t.name, dbus.NameFlagDoNotQueue)
	if err != nil {
		return err
	}
	if reply != dbus.RequestNameReplyPrimaryOwner {
		return fmt.Errorf("the bus name %s is taken", t.name)
	}
	return nil
}

// unexport takes the item and its menu off the bus.
func (t *tray) unexport() {
	_, _ = t.conn.ReleaseName(t.name)
	for _, o := range []struct {
		path  dbus.ObjectPath
		iface string
	}{
		{itemPath, itemIface}, {itemPath, "org.freedesktop.DBus.Properties"}, {itemPath, "org.freedesktop.DBus.Introspectable"},
		{menuPath, menuIface}, {menuPath, "org.freedesktop.DBus.Properties"}, {menuPath, "org.freedesktop.DBus.Introspectable"},
	} {
		_ = t.conn.Export(nil, o.path, o.iface)
	}
}
