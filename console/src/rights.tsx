import { useEffect, useState } from 'preact/hooks';
import { ALL_RIGHTS, rightsCatalog, type RightDescription } from './api';
import { ErrorMessage, toProblem, type Problem } from './components';

const KEYS_VERIFY = 'RIGHT_KEYS_VERIFY';
const METRICS_READ = 'RIGHT_METRICS_READ';

/** What a form's rights come to: all current and future rights (RIGHT_ALL), or the rights ticked. */
export interface RightsChoice {
  all: boolean;
  chosen: string[];
}

export function choiceOf(rights: string[]): RightsChoice {
  return rights.includes(ALL_RIGHTS) ? { all: true, chosen: [] } : { all: false, chosen: rights };
}

export function rightsOf(choice: RightsChoice): string[] {
  return choice.all ? [ALL_RIGHTS] : choice.chosen;
}

/** The form's complaint when no right is chosen, or undefined. */
export function missingRights(choice: RightsChoice, what: string): string | undefined {
  return choice.all || choice.chosen.length > 0 ? undefined : `Choose at least one right, or give the ${what} all current and future rights.`;
}

/**
 * The rights a service account (and so its keys) may hold, as the server says: the platform's rights
 * and groups, RIGHT_KEYS_VERIFY, and for a system-level account RIGHT_METRICS_READ. The picker offers
 * only these; the server still decides.
 */
export function serviceAccountRights(systemLevel: boolean): (right: RightDescription) => boolean {
  return (right) => right.origin === 'policy' || right.name === KEYS_VERIFY || (systemLevel && right.name === METRICS_READ);
}

/** The catalog (GET /api/rights), and the problem when it cannot be read. */
export function useRightsCatalog(): { catalog: RightDescription[] | null; problem: Problem | null } {
  const [catalog, setCatalog] = useState<RightDescription[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  useEffect(() => {
    rightsCatalog().then(setCatalog, (error: unknown) => setProblem(toProblem(error)));
  }, []);
  return { catalog, problem };
}

/** What a pseudo-right stands for now, in a line (the picker leaves it out when the description already names them all). */
function standsFor(right: RightDescription | undefined): string | undefined {
  return right?.members ? `Stands for ${right.members.length ? right.members.join(', ') : 'no right at present'}` : undefined;
}

/**
 * The rights field of a form: all current and future rights, or the rights ticked from the catalog,
 * keygate's and the platform's apart; a pseudo-right says what it stands for.
 */
export function RightsField(props: {
  choice: RightsChoice;
  onChange: (choice: RightsChoice) => void;
  /** What "all current and future rights" gives, in a line. */
  allHint: string;
  /** The rights of the catalog that may be chosen here (all when absent). */
  offered?: (right: RightDescription) => boolean;
}) {
  const { catalog, problem } = useRightsCatalog();
  const { choice, onChange } = props;
  // concrete rights first, then the pseudo-rights, each across the whole width with what it stands for
  const offered = catalog?.filter((right) => right.name !== ALL_RIGHTS && (props.offered?.(right) ?? true));
  const shown = offered && [...offered.filter((right) => !right.members), ...offered.filter((right) => right.members)];
  const known = new Set(catalog?.map((right) => right.name));
  const groups: { label: string; rights: RightDescription[] }[] = [
    { label: 'keygate’s rights', rights: shown?.filter((right) => right.origin !== 'policy') ?? [] },
    { label: 'The platform’s rights', rights: shown?.filter((right) => right.origin === 'policy') ?? [] },
    {
      label: 'No longer in the catalog',
      rights: catalog ? choice.chosen.filter((name) => !known.has(name)).map((name) => ({ name, description: 'Grants nothing now', origin: 'policy' as const })) : [],
    },
  ];
  const toggle = (right: string, on: boolean) =>
    onChange({ all: false, chosen: on ? [...choice.chosen, right] : choice.chosen.filter((chosen) => chosen !== right) });

  return (
    <fieldset class="rights">
      <legend>Rights</legend>
      <label class="choice">
        <input type="radio" name="rights-mode" checked={choice.all} onChange={() => onChange({ ...choice, all: true })} />
        <span>
          All current and future rights
          <small>{props.allHint}</small>
        </span>
      </label>
      <label class="choice">
        <input type="radio" name="rights-mode" checked={!choice.all} onChange={() => onChange({ ...choice, all: false })} />
        <span>
          Only the rights chosen below
          <small>Every call made with it is checked against these.</small>
        </span>
      </label>
      <ErrorMessage problem={problem} />
      {catalog === null && !problem && <p class="hint">Loading the rights…</p>}
      {groups
        .filter((group) => group.rights.length > 0)
        .map((group) => (
          <fieldset key={group.label} class={choice.all ? 'right-group muted' : 'right-group'}>
            <legend>{group.label}</legend>
            <div class="right-list">
              {group.rights.map((right) => (
                <label class={right.members ? 'choice pseudo' : 'choice'} key={right.name}>
                  <input
                    type="checkbox"
                    name="right"
                    value={right.name}
                    disabled={choice.all}
                    checked={choice.chosen.includes(right.name)}
                    onChange={(event) => toggle(right.name, event.currentTarget.checked)}
                  />
                  <span>
                    <code>{right.name}</code>
                    <small>{right.description}</small>
                    {right.members && !right.members.every((member) => right.description.includes(member)) && <small class="members">{standsFor(right)}</small>}
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
        ))}
    </fieldset>
  );
}

/** Rights as chips; RIGHT_ALL in words, and a pseudo-right's members in its tooltip. */
export function RightChips({ rights }: { rights: string[] }) {
  const { catalog } = useRightsCatalog();
  if (rights.includes(ALL_RIGHTS)) return <span class="chip chip-all">All current and future rights</span>;
  return (
    <ul class="chips">
      {rights.map((right) => (
        <li key={right} class="chip" title={standsFor(catalog?.find((known) => known.name === right))}>
          {right}
        </li>
      ))}
    </ul>
  );
}
