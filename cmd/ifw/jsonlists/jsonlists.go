package jsonlists

import (
	"encoding"
	"encoding/json"
	"reflect"
)

// Filler makes every list of a value encode as [] and every map as {}
// when empty: encoding/json writes a nil slice or map as null, and scripts
// reading `ifw status --json` or `ifw block list --json` should be able to
// iterate every list without checking for null first. It works on copies:
// the value handed in, and anything it points to, is never changed.
//
// Types that marshal themselves (json.Marshaler, encoding.TextMarshaler)
// are left to their own methods.
type Filler struct {
	needs map[reflect.Type]bool // whether a type can hold a nil slice or map
}

// New returns a Filler; one Filler may be reused for many values of the
// same types (it remembers which types hold lists), but not concurrently.
func New() *Filler { return &Filler{needs: map[reflect.Type]bool{}} }

// Fill returns v with its nil slices and maps made empty (a one-off
// Filler).
func Fill(v any) any { return New().Fill(v) }

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

// Fill returns v with its nil slices and maps made empty.
func (f *Filler) Fill(v any) any {
	if v == nil {
		return v
	}
	rv := reflect.ValueOf(v)
	if !f.need(rv.Type()) {
		return v
	}
	cp := reflect.New(rv.Type()).Elem()
	cp.Set(rv)
	f.fillValue(cp)
	return cp.Interface()
}

// need reports whether a value of t can hold a nil slice or map that
// encoding/json would write.
func (f *Filler) need(t reflect.Type) bool {
	if n, ok := f.needs[t]; ok {
		return n
	}
	f.needs[t] = false // a type that refers to itself: decided below
	n := false
	switch {
	case t.Implements(jsonMarshaler) || t.Implements(textMarshaler) ||
		reflect.PointerTo(t).Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(textMarshaler):
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Map || t.Kind() == reflect.Interface:
		n = true
	case t.Kind() == reflect.Pointer || t.Kind() == reflect.Array:
		n = f.need(t.Elem())
	case t.Kind() == reflect.Struct:
		for i := range t.NumField() {
			if sf := t.Field(i); encoded(sf) && f.need(sf.Type) {
				n = true
				break
			}
		}
	}
	f.needs[t] = n
	return n
}

// fillValue fills v in place; v is settable, and every slice, map and
// pointee it reaches is copied before it is changed.
func (f *Filler) fillValue(v reflect.Value) {
	t := v.Type()
	if !f.need(t) {
		return
	}
	switch t.Kind() {
	case reflect.Slice:
		f.fillSlice(v)
	case reflect.Map:
		f.fillMap(v)
	case reflect.Pointer:
		if !v.IsNil() {
			p := reflect.New(t.Elem())
			p.Elem().Set(v.Elem())
			f.fillValue(p.Elem())
			v.Set(p)
		}
	case reflect.Interface:
		if !v.IsNil() && f.need(v.Elem().Type()) {
			c := reflect.New(v.Elem().Type()).Elem()
			c.Set(v.Elem())
			f.fillValue(c)
			v.Set(c)
		}
	case reflect.Array:
		for i := range v.Len() {
			f.fillValue(v.Index(i))
		}
	case reflect.Struct:
		for i := range t.NumField() {
			if encoded(t.Field(i)) {
				f.fillValue(v.Field(i))
			}
		}
	}
}

func (f *Filler) fillSlice(v reflect.Value) {
	t := v.Type()
	switch {
	case v.IsNil():
		v.Set(reflect.MakeSlice(t, 0, 0))
	case f.need(t.Elem()):
		n := reflect.MakeSlice(t, v.Len(), v.Len())
		reflect.Copy(n, v)
		for i := range n.Len() {
			f.fillValue(n.Index(i))
		}
		v.Set(n)
	}
}

func (f *Filler) fillMap(v reflect.Value) {
	t := v.Type()
	switch {
	case v.IsNil():
		v.Set(reflect.MakeMap(t))
	case f.need(t.Elem()):
		n := reflect.MakeMapWithSize(t, v.Len())
		it := v.MapRange()
		for it.Next() {
			e := reflect.New(t.Elem()).Elem()
			e.Set(it.Value())
			f.fillValue(e)
			n.SetMapIndex(it.Key(), e)
		}
		v.Set(n)
	}
}

// encoded reports whether encoding/json writes the field: exported and not
// tagged "-", or an embedded struct whose fields it promotes.
func encoded(sf reflect.StructField) bool {
	if sf.Tag.Get("json") == "-" {
		return false
	}
	return sf.IsExported() || sf.Anonymous && sf.Type.Kind() == reflect.Struct
}
