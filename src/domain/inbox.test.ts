import { describe, expect, it } from 'vitest';
import { composeDigest, type InboxItem, remindThrough, sortInbox } from './inbox.ts';

const item = (key: string, due: string | null, overdue = false): InboxItem => ({
  kind: 'action_item_due',
  key,
  title: key,
  titleEn: key,
  due,
  overdue,
  href: '/',
});

describe('inbox', () => {
  it('reminds three days ahead on the office calendar (China Standard Time)', () => {
    // 2023-05-10 17:00 UTC is already 05-11 in Beijing
    expect(remindThrough(new Date('2023-05-10T17:00:00Z'))).toBe('2023-05-14');
    expect(remindThrough(new Date('2023-05-10T02:00:00Z'))).toBe('2023-05-13');
  });

  it('puts overdue items first, then the nearest deadline, then undated ones', () => {
    const sorted = sortInbox([
      item('c', null),
      item('b', '2023-05-12'),
      item('a', '2023-05-01', true),
      item('d', '2023-05-11'),
      item('e', '2023-04-01', true),
    ]);
    expect(sorted.map((i) => i.key)).toEqual(['e', 'a', 'd', 'b', 'c']);
  });
});

describe('the daily digest', () => {
  it('counts what is overdue, lists it first with its link, and says the date once per item', () => {
    const d = composeDigest(
      [
        { ...item('b', '2023-05-12'), title: '交办事项即将到期（2023-05-12）：提交方案' },
        { ...item('a', '2023-05-01', true), title: '交办事项已逾期（2023-05-01）：补正材料' },
        { ...item('c', null), title: '待审核月报 2 份', href: '/review' },
      ],
      { name: '张三', date: '2023-05-10', publicUrl: 'https://tiaodu.example.gov.cn/' },
    );
    expect(d.subject).toBe('【调度】2023-05-10 待办 3 项，其中逾期 1 项 / 3 to do, 1 overdue');
    const lines = d.text.split('\n');
    expect(lines).toContain('1. 【已逾期】交办事项已逾期（2023-05-01）：补正材料');
    expect(lines).toContain('2. 交办事项即将到期（2023-05-12）：提交方案');
    expect(lines).toContain('3. 待审核月报 2 份');
    expect(lines).toContain('   https://tiaodu.example.gov.cn/review');
  });
});
