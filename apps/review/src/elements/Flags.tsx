import { Tag } from '@zendeskgarden/react-tags';
import type { ReviewFlag } from '@vouchsafe/contracts';
import { FLAG_LABELS } from '../format';

export function Flags({ flags }: { flags: readonly ReviewFlag[] }) {
  if (flags.length === 0) return null;
  return (
    <span className="vs-flags">
      {flags.map((flag) => (
        <Tag key={flag} hue={flag === 'possible_fraud' ? 'red' : 'yellow'} size="small">
          {FLAG_LABELS[flag]}
        </Tag>
      ))}
    </span>
  );
}
