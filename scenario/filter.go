package scenario

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"placeplan"
)

// Filtering features by their properties: the queryables of a collection,
// filters in CQL2 text (OGC 21-065: comparisons, AND, OR, NOT, IS NULL,
// parentheses, string, number and boolean literals) or by one property's
// value, sort keys, and the selection of rows they make. Any route that
// lists features by property shares them; the OGC API's items are the
// first.

// Queryable types, as JSON Schema names them.
const (
	TypeString  = "string"
	TypeNumber  = "number"
	TypeInteger = "integer"
)

// Queryable is a property a filter or a sort may name.
type Queryable struct {
	Name        string
	Type        string // TypeString, TypeNumber or TypeInteger
	Description string
}

// Filter is a parsed filter; the nil *Filter keeps everything.
type Filter struct {
	root filterNode
}

// Props are one feature's properties: strings, numbers (any Go integer
// or float type) and other values no filter compares.
type Props = map[string]any

// Match reports whether props satisfy f. A comparison with a property a
// feature lacks (a withheld value, say) is unknown, as in SQL, and a
// feature matches only when the filter is true.
func (f *Filter) Match(props Props) bool {
	if f == nil {
		return true
	}
	return f.root.eval(props) == truthTrue
}

// And returns a filter true where every one of fs is; nil ones are skipped.
func And(fs ...*Filter) *Filter {
	var out *Filter
	for _, f := range fs {
		switch {
		case f == nil:
		case out == nil:
			out = f
		default:
			out = &Filter{root: &logicNode{op: "AND", left: out.root, right: f.root}}
		}
	}
	return out
}

// EqualityFilter returns the filter "name = value" for a query parameter
// such as lad_code=E06000051: value is a number for a numeric queryable.
func EqualityFilter(name, value string, qs []Queryable) (*Filter, error) {
	q, ok := findQueryable(qs, name)
	if !ok {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s is not a queryable property", name)
	}
	lit := literal{kind: TypeString, s: value}
	if q.Type != TypeString {
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s=%q: %s is a number", name, value, name)
		}
		lit = literal{kind: TypeNumber, n: v}
	}
	return &Filter{root: &compareNode{op: "=", left: operand{prop: name}, right: operand{lit: &lit}}}, nil
}

// SortKey is one key of a sort: a queryable property, ascending unless
// Descending.
type SortKey struct {
	Name       string
	Descending bool
}

// ParseSortBy reads a sortby parameter: comma-separated queryable names,
// each with an optional + (ascending, the default) or - (descending). A
// leading space stands for +, which a URL's query decodes "+" to.
func ParseSortBy(s string, qs []Queryable) ([]SortKey, error) {
	var keys []SortKey
	for _, part := range strings.Split(s, ",") {
		k := SortKey{Name: strings.TrimSpace(part)}
		if name, ok := strings.CutPrefix(k.Name, "-"); ok {
			k.Name, k.Descending = name, true
		} else if name, ok := strings.CutPrefix(k.Name, "+"); ok {
			k.Name = name
		}
		if k.Name == "" {
			return nil, placeplan.Errorf(placeplan.EINVALID, "sortby %q: an empty key", s)
		}
		if _, ok := findQueryable(qs, k.Name); !ok {
			return nil, placeplan.Errorf(placeplan.EINVALID, "sortby: %s is not a queryable property (%s)", k.Name, queryableNames(qs))
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// SelectRows returns the indices of the n rows that keep (nil: all) and
// f accept, in the order of keys, rows equal on every key (or lacking
// it: those sort last) staying in their own order.
func SelectRows(n int, props func(i int) Props, keep func(i int) bool, f *Filter, keys []SortKey) []int {
	rows := make([]int, 0, n)
	for i := range n {
		if (keep == nil || keep(i)) && f.Match(props(i)) {
			rows = append(rows, i)
		}
	}
	if len(keys) == 0 {
		return rows
	}
	slices.SortStableFunc(rows, func(a, b int) int {
		pa, pb := props(a), props(b)
		for _, k := range keys {
			va, oka := valueOf(pa[k.Name])
			vb, okb := valueOf(pb[k.Name])
			switch {
			case !oka && !okb:
				continue
			case !oka:
				return 1
			case !okb:
				return -1
			}
			c := va.compare(vb)
			if k.Descending {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	return rows
}

// ParseFilter parses a CQL2 text filter whose property names must be
// among qs. An error is EINVALID and names the token and its position
// (from 1, in characters).
func ParseFilter(text string, qs []Queryable) (*Filter, error) {
	if strings.TrimSpace(text) == "" {
		return nil, placeplan.Errorf(placeplan.EINVALID, "filter is empty: want CQL2 text such as imd_decile <= 2 AND lad_code = 'E06000051'")
	}
	toks, err := lexFilter(text)
	if err != nil {
		return nil, err
	}
	p := &filterParser{toks: toks, qs: qs}
	root, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, p.errAt(t, "unexpected %s", t)
	}
	return &Filter{root: root}, nil
}

// Three-valued logic.
type truth int

const (
	truthFalse truth = iota
	truthUnknown
	truthTrue
)

// filterNode is a node of a parsed filter.
type filterNode interface {
	eval(Props) truth
}

// logicNode is AND or OR.
type logicNode struct {
	op          string
	left, right filterNode
}

func (n *logicNode) eval(p Props) truth {
	l, r := n.left.eval(p), n.right.eval(p)
	if n.op == "AND" {
		return min(l, r)
	}
	return max(l, r)
}

// notNode is NOT.
type notNode struct{ inner filterNode }

func (n *notNode) eval(p Props) truth { return truthTrue - n.inner.eval(p) }

// nullNode is IS [NOT] NULL.
type nullNode struct {
	prop string
	not  bool
}

func (n *nullNode) eval(p Props) truth {
	_, has := valueOf(p[n.prop])
	if has == n.not {
		return truthTrue
	}
	return truthFalse
}

// compareNode is a comparison of two operands.
type compareNode struct {
	op          string // = <> < <= > >=
	left, right operand
}

func (n *compareNode) eval(p Props) truth {
	a, oka := n.left.value(p)
	b, okb := n.right.value(p)
	if !oka || !okb || a.kind != b.kind {
		return truthUnknown
	}
	c := a.compare(b)
	var ok bool
	switch n.op {
	case "=":
		ok = c == 0
	case "<>":
		ok = c != 0
	case "<":
		ok = c < 0
	case "<=":
		ok = c <= 0
	case ">":
		ok = c > 0
	case ">=":
		ok = c >= 0
	}
	if ok {
		return truthTrue
	}
	return truthFalse
}

// operand is a property or a literal.
type operand struct {
	prop string
	lit  *literal
}

func (o operand) value(p Props) (literal, bool) {
	if o.lit != nil {
		return *o.lit, true
	}
	return valueOf(p[o.prop])
}

// literal is a string, number or boolean value.
type literal struct {
	kind string // TypeString, TypeNumber or "boolean"
	s    string
	n    float64
	b    bool
}

func (l literal) compare(m literal) int {
	switch l.kind {
	case TypeNumber:
		return cmp.Compare(l.n, m.n)
	case TypeString:
		return strings.Compare(l.s, m.s)
	default:
		switch {
		case l.b == m.b:
			return 0
		case m.b:
			return -1
		}
		return 1
	}
}

// valueOf reads a property value a filter compares; false for a missing,
// null or other value.
func valueOf(v any) (literal, bool) {
	switch v := v.(type) {
	case string:
		return literal{kind: TypeString, s: v}, true
	case float64:
		return literal{kind: TypeNumber, n: v}, !math.IsNaN(v)
	case float32:
		return literal{kind: TypeNumber, n: float64(v)}, true
	case int:
		return literal{kind: TypeNumber, n: float64(v)}, true
	case int64:
		return literal{kind: TypeNumber, n: float64(v)}, true
	case int32:
		return literal{kind: TypeNumber, n: float64(v)}, true
	case bool:
		return literal{kind: "boolean", b: v}, true
	}
	return literal{}, false
}

// Tokens.
type tokKind int

const (
	tokEOF tokKind = iota
	tokIdent
	tokString
	tokNumber
	tokOp
	tokLParen
	tokRParen
)

type token struct {
	kind tokKind
	text string // the source text (a string without its quotes, unescaped)
	pos  int    // 1-based character position
}

func (t token) String() string {
	switch t.kind {
	case tokEOF:
		return "end of filter"
	case tokString:
		return "'" + t.text + "'"
	}
	return strconv.Quote(t.text)
}

// lexFilter splits text into tokens.
func lexFilter(text string) ([]token, error) {
	if !utf8.ValidString(text) {
		return nil, placeplan.Errorf(placeplan.EINVALID, "filter: not UTF-8 text")
	}
	var toks []token
	rs := []rune(text)
	for i := 0; i < len(rs); {
		r, pos := rs[i], i+1
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '(' || r == ')':
			k := tokLParen
			if r == ')' {
				k = tokRParen
			}
			toks = append(toks, token{kind: k, text: string(r), pos: pos})
			i++
		case r == '=' || r == '<' || r == '>':
			op := string(r)
			if i+1 < len(rs) && (r == '<' && (rs[i+1] == '=' || rs[i+1] == '>') || r == '>' && rs[i+1] == '=') {
				op += string(rs[i+1])
			}
			toks = append(toks, token{kind: tokOp, text: op, pos: pos})
			i += len(op)
		case r == '\'':
			var b strings.Builder
			j := i + 1
			for ; ; j++ {
				if j >= len(rs) {
					return nil, placeplan.Errorf(placeplan.EINVALID, "filter: the string at position %d has no closing quote", pos)
				}
				if rs[j] == '\'' {
					if j+1 < len(rs) && rs[j+1] == '\'' { // '' is a quote
						b.WriteRune('\'')
						j++
						continue
					}
					break
				}
				b.WriteRune(rs[j])
			}
			toks = append(toks, token{kind: tokString, text: b.String(), pos: pos})
			i = j + 1
		case r == '"':
			j := i + 1
			for j < len(rs) && rs[j] != '"' {
				j++
			}
			if j >= len(rs) || j == i+1 {
				return nil, placeplan.Errorf(placeplan.EINVALID, "filter: the quoted property name at position %d is empty or has no closing quote", pos)
			}
			toks = append(toks, token{kind: tokIdent, text: string(rs[i+1 : j]), pos: pos})
			i = j + 1
		case r == '-' || r == '+' || r == '.' || unicode.IsDigit(r):
			j := i + 1
			for j < len(rs) && (unicode.IsDigit(rs[j]) || rs[j] == '.' || rs[j] == 'e' || rs[j] == 'E' ||
				(rs[j] == '-' || rs[j] == '+') && (rs[j-1] == 'e' || rs[j-1] == 'E')) {
				j++
			}
			s := string(rs[i:j])
			if v, err := strconv.ParseFloat(s, 64); err != nil || math.IsInf(v, 0) {
				return nil, placeplan.Errorf(placeplan.EINVALID, "filter: %q at position %d is not a number", s, pos)
			}
			toks = append(toks, token{kind: tokNumber, text: s, pos: pos})
			i = j
		case unicode.IsLetter(r) || r == '_':
			j := i + 1
			for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || rs[j] == '_' || rs[j] == '.' || rs[j] == ':') {
				j++
			}
			toks = append(toks, token{kind: tokIdent, text: string(rs[i:j]), pos: pos})
			i = j
		default:
			return nil, placeplan.Errorf(placeplan.EINVALID, "filter: unexpected %q at position %d", string(r), pos)
		}
	}
	return append(toks, token{kind: tokEOF, pos: len(rs) + 1}), nil
}

// filterParser is a recursive-descent parser of CQL2 text:
//
//	or      = and { OR and }
//	and     = not { AND not }
//	not     = NOT not | primary
//	primary = "(" or ")" | operand op operand | property IS [NOT] NULL
//	operand = property | 'string' | number | TRUE | FALSE
type filterParser struct {
	toks  []token
	i     int
	qs    []Queryable
	depth int
}

// maxFilterDepth bounds nesting, so that a hostile filter cannot exhaust
// the stack.
const maxFilterDepth = 64

func (p *filterParser) peek() token { return p.toks[p.i] }

func (p *filterParser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

// keyword reports whether t is the keyword kw (any case).
func keyword(t token, kw string) bool { return t.kind == tokIdent && strings.EqualFold(t.text, kw) }

func (p *filterParser) errAt(t token, format string, args ...any) error {
	return placeplan.Errorf(placeplan.EINVALID, "filter: %s at position %d", fmt.Sprintf(format, args...), t.pos)
}

func (p *filterParser) or() (filterNode, error) { return p.logic("OR", p.and) }

func (p *filterParser) and() (filterNode, error) { return p.logic("AND", p.not) }

// logic reads operands joined by the keyword op, left to right.
func (p *filterParser) logic(op string, operand func() (filterNode, error)) (filterNode, error) {
	left, err := operand()
	if err != nil {
		return nil, err
	}
	for keyword(p.peek(), op) {
		p.next()
		right, err := operand()
		if err != nil {
			return nil, err
		}
		left = &logicNode{op: op, left: left, right: right}
	}
	return left, nil
}

func (p *filterParser) not() (filterNode, error) {
	if p.depth++; p.depth > maxFilterDepth {
		return nil, p.errAt(p.peek(), "nested more than %d deep", maxFilterDepth)
	}
	defer func() { p.depth-- }()
	if keyword(p.peek(), "NOT") {
		p.next()
		inner, err := p.not()
		if err != nil {
			return nil, err
		}
		return &notNode{inner: inner}, nil
	}
	return p.primary()
}

func (p *filterParser) primary() (filterNode, error) {
	if p.peek().kind == tokLParen {
		open := p.next()
		inner, err := p.or()
		if err != nil {
			return nil, err
		}
		if t := p.next(); t.kind != tokRParen {
			return nil, p.errAt(t, "%s where the ) closing the ( at position %d belongs", t, open.pos)
		}
		return inner, nil
	}
	left, leftType, err := p.operand()
	if err != nil {
		return nil, err
	}
	if keyword(p.peek(), "IS") {
		is := p.next()
		if left.prop == "" {
			return nil, p.errAt(is, "IS NULL needs a property before it")
		}
		not := false
		if keyword(p.peek(), "NOT") {
			p.next()
			not = true
		}
		if t := p.next(); !keyword(t, "NULL") {
			return nil, p.errAt(t, "%s where NULL belongs after IS", t)
		}
		return &nullNode{prop: left.prop, not: not}, nil
	}
	opTok := p.next()
	if opTok.kind != tokOp {
		if keyword(opTok, "LIKE") || keyword(opTok, "BETWEEN") || keyword(opTok, "IN") {
			return nil, p.errAt(opTok, "%s is not supported: use = <> < <= > >=, AND, OR and NOT", strings.ToUpper(opTok.text))
		}
		return nil, p.errAt(opTok, "%s where a comparison (= <> < <= > >=) belongs", opTok)
	}
	right, rightType, err := p.operand()
	if err != nil {
		return nil, err
	}
	if left.lit != nil && right.lit != nil {
		return nil, p.errAt(opTok, "a comparison of two literals; compare a property")
	}
	if leftType != rightType {
		return nil, p.errAt(opTok, "%s compares %s with %s", opTok, describe(left, leftType), describe(right, rightType))
	}
	return &compareNode{op: opTok.text, left: left, right: right}, nil
}

// describe names an operand and its type in an error.
func describe(o operand, typ string) string {
	if o.lit == nil {
		return fmt.Sprintf("%s (a %s)", o.prop, typ)
	}
	return "a " + typ
}

// operand reads a property or a literal, and its type: TypeString,
// TypeNumber (integers too) or "boolean".
func (p *filterParser) operand() (operand, string, error) {
	t := p.next()
	switch t.kind {
	case tokString:
		return operand{lit: &literal{kind: TypeString, s: t.text}}, TypeString, nil
	case tokNumber:
		v, _ := strconv.ParseFloat(t.text, 64) // lexFilter checked it
		return operand{lit: &literal{kind: TypeNumber, n: v}}, TypeNumber, nil
	case tokIdent:
		if keyword(t, "TRUE") || keyword(t, "FALSE") {
			return operand{lit: &literal{kind: "boolean", b: keyword(t, "TRUE")}}, "boolean", nil
		}
		for _, kw := range []string{"AND", "OR", "NOT", "IS", "NULL"} {
			if keyword(t, kw) {
				return operand{}, "", p.errAt(t, "%s where a property or a value belongs", strings.ToUpper(t.text))
			}
		}
		q, ok := findQueryable(p.qs, t.text)
		if !ok {
			return operand{}, "", p.errAt(t, "%s is not a queryable property (%s)", t.text, queryableNames(p.qs))
		}
		typ := q.Type
		if typ == TypeInteger {
			typ = TypeNumber
		}
		return operand{prop: q.Name}, typ, nil
	}
	return operand{}, "", p.errAt(t, "%s where a property or a value belongs", t)
}

// findQueryable returns the queryable named name.
func findQueryable(qs []Queryable, name string) (Queryable, bool) {
	for _, q := range qs {
		if q.Name == name {
			return q, true
		}
	}
	return Queryable{}, false
}

// queryableNames lists qs's names for an error, shortened past 12.
func queryableNames(qs []Queryable) string {
	var names []string
	for i, q := range qs {
		if i == 12 {
			names = append(names, fmt.Sprintf("and %d more", len(qs)-12))
			break
		}
		names = append(names, q.Name)
	}
	if len(names) == 0 {
		return "there are none"
	}
	return "queryables: " + strings.Join(names, ", ")
}
