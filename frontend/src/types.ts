// Wire types of placeplan's HTTP API, as the server writes them (see
// /api/openapi.json). Only the fields the web map reads are listed.

export type Geography = 'lsoa11' | 'lsoa21' | string;

export interface GeographyInfo {
  geography: Geography;
  label: string;
  vintage: string;
  areas: number;
}

export interface AppConfig {
  version: string;
  persistent: boolean;
  basemap_style: string | null;
  suppress_below: number;
  geographies: GeographyInfo[];
  default_geography: Geography;
  bounds: [number, number, number, number];
}

export interface Indicator {
  key: string;
  name: string;
  geography: Geography;
  vintage: string;
  direction: 'higher_is_worse' | 'higher_is_better';
  unit: string;
  kind: string;
  denominator: string;
  index?: string;
  confidential: boolean;
}

export interface Dataset {
  id: number;
  kind: string;
  format: string;
  source: string;
  publisher?: string;
  licence?: string;
  attribution?: string;
  records?: number;
}

export interface Breaks {
  field: string;
  name: string;
  unit: string;
  direction: string;
  method: string;
  method_label: string;
  classes: number;
  breaks: number[];
  counts: number[];
  n: number;
  suppressed: number;
  colors: string[];
  palette: string;
  colorblind_safe: boolean;
  notes: string[] | null;
}

export interface Values {
  geography: Geography;
  field: string;
  name: string;
  unit: string;
  direction: string;
  values: Record<string, number>;
  withheld: string[] | null;
}

export interface SearchResult {
  kind: 'area' | 'msoa' | 'locality' | 'district' | 'town';
  code: string;
  name: string;
  detail: string;
  geography?: Geography;
  bbox?: [number, number, number, number];
  lon?: number;
  lat?: number;
}

export interface ProfileIndicator {
  key: string;
  name: string;
  unit: string;
  kind: string;
  direction: string;
  value: number | null;
  rank?: number;
  decile?: number;
  rank_of?: number;
  rank_basis?: string;
  suppressed?: boolean;
}

export interface AreaProfile {
  code: string;
  name: string;
  msoa_code?: string;
  msoa_name?: string;
  lad_code?: string;
  lad_name?: string;
  vintage: Geography;
  lon?: number;
  lat?: number;
  indicators: ProfileIndicator[];
}

export interface Locality {
  id: number;
  scheme: string;
  name: string;
  geography: Geography;
  definition: string;
  areas: string[];
}

export interface SummaryGroup {
  code: string;
  name: string;
  [measure: string]: string | number | null;
}

export interface Summaries {
  by: string;
  geography: Geography;
  scheme?: string;
  groups: SummaryGroup[];
}

export interface ScenarioListItem {
  id: string;
  name: string;
  revision: number;
  updated: string;
  author: string;
  archived?: boolean;
}

export interface Revision {
  revision: number;
  name: string;
  author: string;
  note: string;
  changes: string;
  created: string;
  /** approvals for a board, oldest first; a revision never changes, so each holds for exactly it */
  approvals: Approval[];
}

/** Approval is a revision approved for a committee's meeting. */
export interface Approval {
  revision: number;
  committee: string;
  /** the meeting's day, 2027-01-14 */
  meeting: string;
  by: string;
  at: string;
  note: string;
}

/** A scenario document (docs/SCENARIOS.md), as JSON. */
export interface ScenarioDoc {
  placeplan_scenario: number;
  name: string;
  description?: string;
  dataset: { geography: Geography; vintage?: string; db?: string };
  localities: { scheme: string; only?: string[] };
  indicators: { key: string; weight: number; direction?: string }[];
  weights?: string;
  normalisation?: string;
  aggregation?: string;
  uncertainty?: {
    draws?: number;
    seed?: number;
    concentration?: number;
    normalisations?: string[];
    aggregations?: string[];
    top_k?: number;
  };
  disclosure?: { suppress_below?: number };
  sites?: ScenarioSites;
  [other: string]: unknown;
}

export interface ScenarioSites {
  demand?: { weight?: string; population?: string; noun?: string };
  candidates?: { source?: string; layer?: string; file?: string };
  model?: string;
  teams?: number;
  standard_minutes?: number;
  standard_km?: number;
  circuity?: number;
  speed_kmh?: number;
  fixed?: string[];
  exclude?: string[];
  phases?: { start?: string; every_months?: number; sites_per_phase?: number };
  [other: string]: unknown;
}

export interface ScoreLocality {
  rank: number;
  locality: string;
  need_score: number;
  median_rank?: number;
  rank_p5?: number;
  rank_p95?: number;
  p_top_k?: number;
  contributions?: Record<string, number>;
  explanation?: string;
}

export interface AreaNeed {
  code: string;
  need_score: number | null;
  need_rank: number | null;
  need_share: number | null;
  locality: string | null;
  locality_need_rank: number | null;
}

export interface Score {
  scenario: string;
  geography: Geography;
  scheme: string;
  top_k: number;
  draws: number;
  seed: number;
  method: string;
  weights: Record<string, number>;
  localities: ScoreLocality[];
  sensitivity?: { factor: string; first_order: number; total: number }[];
  sensitivity_summary?: string;
  warnings: string[] | null;
  attribution: string[] | null;
  areas?: AreaNeed[];
}

export interface PlanSite {
  id: string;
  locality: string;
  lon: number;
  lat: number;
  placed: string;
  fixed: boolean;
  reach: number | null;
  reach_share: number | null;
  served: number | null;
  unique: number | null;
  mean_travel: number | null;
  max_travel: number | null;
  explanation: string;
  alternative?: string;
  alternative_loss?: number | null;
}

export interface PlanPhase {
  label: string;
  start: string;
  sites: { id: string; fixed: boolean; marginal_weight: number | null; marginal_population: number | null }[];
  new_weight: number | null;
  new_population: number | null;
  new_most_deprived_population: number | null;
  cumulative_weight_share: number | null;
  cumulative_population_share: number;
  cumulative_most_deprived_share: number;
  summary: string;
}

export interface PlanCandidate {
  id: string;
  locality: string;
  lon: number;
  lat: number;
  placed: string;
  selected: boolean;
  fixed: boolean;
  excluded: boolean;
}

export interface PlanArea {
  code: string;
  served_by: string | null;
  reached_in: string | null;
  phase_index: number | null;
  travel: number | null;
}

export interface Plan {
  scenario: string;
  geography: Geography;
  scheme: string;
  model: string;
  teams: number;
  standard: number;
  unit: string;
  demand: { weight: string; population: string; noun: string; areas: number; total_weight: number | null; total_population: number | null };
  selection: {
    selected: string[];
    objective: number | null;
    upper_bound?: number | null;
    lower_bound?: number | null;
    gap: number;
    covered_weight: number | null;
    total_weight: number | null;
    solver: string;
    proven_optimal: boolean;
  };
  sites: PlanSite[];
  rollout: { order: string[]; solver: string; proven_optimal: boolean; auc_share: number | null; end: string; phases: PlanPhase[] };
  evaluation?: {
    seed: number;
    stratum_size: number;
    strata: string[][];
    order: string[];
    allocations: number;
    min_p_value: number;
    evaluable: boolean;
    verdict: string;
    profile: string[];
    balance: { label: string; sites: number; units: number; mean_weight: number | null; population: number | null; most_deprived_share: number; profile_means: number[] }[];
  } | null;
  comparisons?: {
    label: string;
    metric: string;
    treated: number;
    pairs: { treated: string; control: string; distance: number }[];
    unmatched: string[];
    balance: { name: string; before: number; after: number }[];
    balanced: boolean;
    summary: string;
  }[] | null;
  robustness?: {
    draws: number;
    standards: number[];
    candidates: { id: string; selected: boolean; fixed: boolean; draws: number | null; standards: number | null; by_standard: boolean[] }[];
    summary: string;
  } | null;
  localities: ScoreLocality[];
  warnings: string[] | null;
  attribution: string[] | null;
  candidates?: PlanCandidate[];
  areas?: PlanArea[];
}

export interface Comparison {
  labels: string[];
  names: string[];
  summary: string[];
  differences: { field: string; values: string[] }[];
  localities: { locality: string; ranks: (number | null)[]; change: number | null }[];
  sites: { id: string; chosen: boolean[]; phase: (string | null)[] }[];
  phases: {
    index: number;
    labels: (string | null)[];
    starts: (string | null)[];
    cumulative_weight_share: (number | null)[];
    cumulative_population_share: (number | null)[];
    cumulative_most_deprived_share: (number | null)[];
  }[];
  equity: { weight_share: number; population_share: number; most_deprived_share: number }[];
  areas_compared?: string[];
  areas: Record<string, 'both' | 'a_only' | 'b_only' | 'neither'>;
}

/** An RFC 9457 problem document, with placeplan's extension members. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: string;
  current_revision?: number;
  changed_by?: string;
  changed_at?: string;
  note?: string;
  changes?: string;
}

/** Session is GET /api/v1/session: who is signed in, if anyone, and how one signs in here. */
export interface Session {
  signed_in: boolean;
  user?: string;
  role?: 'viewer' | 'analyst' | 'approver' | 'admin';
  via?: 'session' | 'token' | 'proxy' | 'local' | 'public';
  /** sign-in: everything needs a user; local: one local admin, no sign-in; public: anonymous, read-only, open data */
  mode: 'sign-in' | 'local' | 'public';
  /** what every write sends in X-CSRF-Token while signed in by cookie */
  csrf_token?: string;
  methods: string[];
  /** the single sign-on provider's name and where its sign-in starts, when methods has oidc */
  sso_name?: string;
  sso_login?: string;
  roles: string[];
}
